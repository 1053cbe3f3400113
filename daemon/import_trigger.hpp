// insight.after_publish: an import right after each successful publication, coalesced. A
// publication while no import runs starts one; publications while one runs leave one import
// pending, started when it ends. So three jobs that publish one after another cause one import
// per free slot, never two at once and never one per publication. A failed or refused
// publication (the shrink guard), and one whose state or manifest.json was not saved, start
// nothing: the manifest might not describe the files.
#pragma once

#include "jobs/job_runner.hpp"

namespace qi::daemon {

class ImportTrigger {
 public:
  enum class Action { nothing, import_now, import_later };

  // A Qualys job's run ended with `outcome`; `import_running`: an insight run is active.
  Action publication_finished(const jobs::RunOutcome& outcome, bool import_running);
  // An insight run ended: whether a publication during it asks for one more import now.
  bool import_finished();

 private:
  bool pending_ = false;
};

}  // namespace qi::daemon
