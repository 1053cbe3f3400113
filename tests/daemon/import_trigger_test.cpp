// insight.after_publish's coalescing (daemon/import_trigger) and the job table's view of the
// insight job (jobs::configured_jobs): no clock or network involved.
#include "import_trigger.hpp"

#include <gtest/gtest.h>

#include "jobs/job.hpp"

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
