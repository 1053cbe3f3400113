// insight.after_publish's coalescing and its wait for a complete set (daemon/import_trigger),
// the files each mode waits for (insight/import_set, with a real manifest.json in a temp dir),
// and the job table's view of the insight job (jobs::configured_jobs): no clock or network.
#include "import_trigger.hpp"

#include <gtest/gtest.h>

#include "insight/import_set.hpp"
#include "jobs/job.hpp"
#include "output/manifest.hpp"
#include "support/temp_dir.hpp"

namespace qi::daemon {
namespace {

using Action = ImportTrigger::Action;

jobs::RunOutcome ended(jobs::JobKind kind, jobs::RunStatus status) {
  jobs::RunOutcome outcome;
  outcome.kind = kind;
  outcome.status = status;
  return outcome;
}

TEST(ImportTrigger, ImportsAtOnceAfterAPublicationWhileNoImportRuns) {
  ImportTrigger trigger;
  EXPECT_EQ(
      trigger.publication_finished(ended(jobs::JobKind::kb, jobs::RunStatus::succeeded), false),
      Action::import_now);
  EXPECT_FALSE(trigger.import_finished());
}

TEST(ImportTrigger, CoalescesPublicationsDuringAnImportIntoOneMoreImport) {
  ImportTrigger trigger;
  for (auto kind : jobs::kPullJobs) {
    EXPECT_EQ(trigger.publication_finished(ended(kind, jobs::RunStatus::succeeded), true),
              Action::import_later);
  }
  EXPECT_TRUE(trigger.import_finished());
  EXPECT_FALSE(trigger.import_finished());
}

TEST(ImportTrigger, NeverImportsAfterAFailedRefusedOrHalfRecordedPublication) {
  ImportTrigger trigger;
  for (auto status : {jobs::RunStatus::failed, jobs::RunStatus::timed_out,
                      jobs::RunStatus::cancelled, jobs::RunStatus::published_state_not_saved}) {
    EXPECT_EQ(trigger.publication_finished(ended(jobs::JobKind::vm, status), false),
              Action::nothing);
    EXPECT_EQ(trigger.publication_finished(ended(jobs::JobKind::vm, status), true),
              Action::nothing);
  }
  EXPECT_FALSE(trigger.import_finished());
}

TEST(ImportTrigger, AnImportDoesNotTriggerItself) {
  ImportTrigger trigger;
  EXPECT_EQ(trigger.publication_finished(ended(jobs::JobKind::insight, jobs::RunStatus::succeeded),
                                         false),
            Action::nothing);
}

TEST(ImportTrigger, WaitsWithoutFailingForAnIncompleteSetAndSaysSoOnce) {
  ImportTrigger trigger;
  const auto first = trigger.wait_for({"vulnkb.csv", "cve.csv", "vm.csv"});
  EXPECT_TRUE(first.waiting);
  EXPECT_EQ(first.message,
            "waiting for vulnkb.csv, cve.csv, vm.csv to be published before importing");
  const auto second = trigger.wait_for({"vm.csv"});
  EXPECT_TRUE(second.waiting);
  EXPECT_EQ(second.message, "");
  const auto complete = trigger.wait_for({});
  EXPECT_FALSE(complete.waiting);
  EXPECT_EQ(complete.message, "");
  // A set incomplete again (a new output.dir after a reload) is said again.
  EXPECT_NE(trigger.wait_for({"assets.csv"}).message, "");
}

TEST(ImportTrigger, CloudWaitsForAllFourFilesDataCenterForThoseOfItsImportSources) {
  config::InsightConfig insight;
  insight.mode = config::InsightMode::cloud;
  EXPECT_EQ(insight::files_to_import(insight),
            (std::vector<std::string>{"assets.csv", "vulnkb.csv", "cve.csv", "vm.csv"}));
  insight.mode = config::InsightMode::datacenter;
  insight.imports.vm = 14;
  insight.imports.assets = 11;
  EXPECT_EQ(insight::files_to_import(insight), (std::vector<std::string>{"assets.csv", "vm.csv"}));
}

TEST(ImportTrigger, FindsTheFilesManifestJsonDoesNotNameYet) {
  const qi::testing::TempDir dir;
  const std::vector<std::string> all = {"assets.csv", "vulnkb.csv", "cve.csv", "vm.csv"};
  EXPECT_EQ(insight::unpublished_files(dir.path(), all), all);  // no manifest.json at all
  output::Manifest manifest;
  manifest.files["assets.csv"].sha256 = std::string(64, 'a');
  output::write_manifest(dir.path(), manifest);
  EXPECT_EQ(insight::unpublished_files(dir.path(), all),
            (std::vector<std::string>{"vulnkb.csv", "cve.csv", "vm.csv"}));
  EXPECT_EQ(insight::unpublished_files(dir.path(), {"assets.csv"}), std::vector<std::string>{});
}

TEST(JobTable, HasNoInsightJobWithInsightOff) {
  config::Config config;
  EXPECT_EQ(
      jobs::configured_jobs(config),
      (std::vector<jobs::JobKind>{jobs::JobKind::assets, jobs::JobKind::kb, jobs::JobKind::vm}));
  EXPECT_FALSE(jobs::schedule_of(config, jobs::JobKind::insight).enabled);
}

TEST(JobTable, ListsInsightLastWithItsScheduleAndTimeoutFromTheInsightSection) {
  config::Config config;
  config.insight.mode = config::InsightMode::cloud;
  config.insight.schedule = "15 5 * * *";
  config.insight.timeout = std::chrono::minutes(20);
  const auto kinds = jobs::configured_jobs(config);
  ASSERT_EQ(kinds.size(), 4u);
  EXPECT_EQ(kinds.back(), jobs::JobKind::insight);
  const auto schedule = jobs::schedule_of(config, jobs::JobKind::insight);
  EXPECT_TRUE(schedule.enabled);
  EXPECT_EQ(schedule.schedule, "15 5 * * *");
  EXPECT_EQ(schedule.timeout, std::chrono::minutes(20));
  EXPECT_EQ(schedule.min_ratio, 0);
}

}  // namespace
}  // namespace qi::daemon
