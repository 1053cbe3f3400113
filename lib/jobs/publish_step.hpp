// The last step of every job: the completeness gates, the atomic publication, the manifest.
// Insight imports whatever it finds and, with "remove missing objects", a short file deletes CIs:
// so a file that shrank below jobs.<job>.min_ratio of its previous publication is not published.
#pragma once

#include <vector>

#include "jobs/job.hpp"
#include "output/manifest.hpp"
#include "output/publication.hpp"

namespace qi::jobs {

// Checks the shrink guard against the previous publication (unless env.force or min_ratio is 0),
// commits the publication, records the files in manifest.json together with the cross-file
// reference checks, and stores those checks in `result`. Throws qi::FatalError (nothing
// published) when a gate fails.
void publish_checked(JobEnvironment& env, output::Publication& publication,
                     const std::vector<PublishedFile>& files, JobResult& result);

// Cross-file consistency of the published files: detections whose QID is missing from
// vulnkb.csv, and detection hosts that no CSAM asset names as its hostId (asset host IDs are kept
// in <state.dir>/asset-host-ids by the assets job). Checks whose inputs are missing are left out.
std::map<std::string, output::ReferenceCheck> check_references(
    const std::filesystem::path& output_dir, const std::filesystem::path& state_dir);

// The assets job's record of every hostId it published, for check_references.
void save_asset_host_ids(const std::filesystem::path& state_dir, std::vector<std::int64_t> ids);

}  // namespace qi::jobs
