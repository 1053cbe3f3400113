// insight.after_publish: an import right after each successful publication, coalesced. A
// publication while no import runs starts one; publications while one runs leave one import
// pending, started when it ends. So three jobs that publish one after another cause one import
// per free slot, never two at once and never one per publication. A failed or refused
// publication (the shrink guard), and one whose state or manifest.json was not saved, start
// nothing: the manifest might not describe the files. Nor does a publication that leaves the set
// without a file the mode imports (a first install, its jobs publishing one after another): the
// import waits, without failing, for the publication that completes it.
#pragma once

#include <string>
#include <vector>

#include "jobs/job_runner.hpp"

namespace qi::daemon {

class ImportTrigger {
 public:
  enum class Action { nothing, import_now, import_later };

  // A Qualys job's run ended with `outcome`; `import_running`: an insight run is active.
  Action publication_finished(const jobs::RunOutcome& outcome, bool import_running);
  // An insight run ended: whether a publication during it asks for one more import now.
  bool import_finished();

  // Before an import it would start: whether to wait instead, `missing` being the files the mode
  // imports that are not published yet. `message` is the info line to log, given once per wait
  // (the first publication that leaves the set incomplete), not at each one after.
  struct Wait {
    bool waiting = false;
    std::string message;
  };
  Wait wait_for(const std::vector<std::string>& missing);

 private:
  bool pending_ = false;
  bool waiting_ = false;
};

}  // namespace qi::daemon
