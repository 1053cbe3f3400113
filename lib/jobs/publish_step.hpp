// The last step of every job: the completeness gates, the atomic publication, the manifest.
// Insight imports whatever it finds and, with "remove missing objects", a short file deletes CIs:
// so a file that shrank below jobs.<job>.min_ratio of its previous publication is not published.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "jobs/job.hpp"
#include "jobs/reference_checks.hpp"
#include "output/manifest.hpp"
#include "output/publication.hpp"

namespace qi::jobs {

// Checks the shrink guard against the previous publication (unless env.force or min_ratio is 0),
// commits the publication, records the files in manifest.json together with the cross-file
// reference checks (reference_checks.hpp), and stores those checks in `result`. The SHA-256 and
// IDs come from the taps tap_for_publishing() gave the publication; a file without them is read.
// Throws qi::FatalError (nothing published) when a gate fails or the commit does; once the files
// are published, a manifest that cannot be written is recorded in result.state_not_saved instead
// (the next start rebuilds it from the files).
void publish_checked(JobEnvironment& env, output::Publication& publication,
                     const std::vector<PublishedFile>& files, JobResult& result);

// One write to state.dir after the job published (asset-host-ids, kb-window-rows, the
// incremental base). Its failure cannot undo the publication, so it is not a failed run: it is
// logged and recorded in result.state_not_saved, and `forget` (when given) removes what the
// write would have replaced, so that nothing describes an older publication as the current one.
void save_after_publishing(JobEnvironment& env, JobResult& result, std::string_view what,
                           const std::function<void()>& save,
                           const std::function<void()>& forget = {});

}  // namespace qi::jobs
