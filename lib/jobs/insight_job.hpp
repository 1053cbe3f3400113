// The insight job: gets the files published now into Jira Assets, as one set, through the
// importer insight.mode picks (insight/importer.hpp). It publishes nothing. It forms the set from
// manifest.json, checks every file against it before the import and after it (a publication in
// between: it starts over once, then fails; never an import of two versions mixed), skips a set
// already imported successfully to the same place (unless `run --force insight`), and records
// what it imported and what Assets said in <state.dir>/insight-import.json.
#pragma once

#include <chrono>
#include <string>

#include "config/insight_config.hpp"
#include "insight/importer.hpp"
#include "insight/jira_transport.hpp"
#include "jobs/job.hpp"

namespace qi::jobs {

// What the insight job reaches Jira with: one configuration's transport and the importer of its
// mode. Made per configuration generation (daemon/generation) and kept alive by it.
struct InsightTools {
  insight::JiraTransport& transport;
  insight::Importer& importer;
  // When the files on disk are not the set manifest.json describes (a publication between its
  // rename and its manifest write), the job looks again once after this long.
  std::chrono::milliseconds start_over_delay = std::chrono::seconds(5);
};

// Where an import goes, as the record keeps it: a set imported into one Jira is not one imported
// into another. "datacenter <insight.url>" or "cloud <insight.cloud.info_url>".
std::string insight_target(const config::InsightConfig& config);

}  // namespace qi::jobs
