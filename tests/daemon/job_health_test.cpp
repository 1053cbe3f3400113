#include "job_health.hpp"

#include <gtest/gtest.h>

namespace qi::daemon {
namespace {

using namespace std::chrono;

state::Time at(std::string_view text) {
  return *state::parse_time(text);
}

// Daily at 02:00 UTC, 50 min timeout, no jitter: a firing is overdue from 03:05 (+15 min grace).
config::JobSchedule daily() {
  config::JobSchedule schedule;
  schedule.schedule = "0 2 * * *";
  schedule.time_zone = "UTC";
  schedule.timeout = minutes(50);
  return schedule;
}

state::JobState succeeded(std::string_view finished) {
  state::JobState job;
  job.run_id = "kb-1";
  job.result = state::RunResult::succeeded;
  job.last_scheduled = at(finished) - minutes(10);
  job.finished = job.last_success = at(finished);
  return job;
}

TEST(JobHealth, AJobThatSucceededAfterItsLastFiringIsFine) {
  auto job = succeeded("2026-11-28T02:10:00Z");
  auto health = assess_job(daily(), &job, at("2026-11-29T01:59:00Z"));
  EXPECT_FALSE(health.needs_attention());
  EXPECT_FALSE(health.overdue_firing);
}

TEST(JobHealth, AFiringIsNotOverdueWhileItsRunMayStillFinish) {
  auto job = succeeded("2026-11-28T02:10:00Z");
  EXPECT_FALSE(assess_job(daily(), &job, at("2026-11-29T03:04:59Z")).needs_attention());
}

TEST(JobHealth, AFiringWithoutASuccessIsOverdueAfterTimeoutAndGrace) {
  auto job = succeeded("2026-11-28T02:10:00Z");
  auto health = assess_job(daily(), &job, at("2026-11-29T03:05:00Z"));
  ASSERT_TRUE(health.overdue_firing);
  EXPECT_EQ(*health.overdue_firing, at("2026-11-29T02:00:00Z"));
  ASSERT_EQ(health.reasons.size(), 1u);
  EXPECT_EQ(health.reasons[0],
            "overdue: no successful run since the firing of 2026-11-29T02:00:00Z, which should "
            "have finished by 2026-11-29T03:05:00Z (timeout 3000 s + jitter 0 s + 15 min grace); "
            "last success 2026-11-28T02:10:00Z");
}

TEST(JobHealth, JitterExtendsTheTimeARunMayTake) {
  auto schedule = daily();
  schedule.jitter = minutes(30);
  auto job = succeeded("2026-11-28T02:10:00Z");
  EXPECT_FALSE(assess_job(schedule, &job, at("2026-11-29T03:34:59Z")).needs_attention());
  EXPECT_TRUE(assess_job(schedule, &job, at("2026-11-29T03:35:00Z")).overdue_firing);
}

TEST(JobHealth, NamesTheNewestFiringWhenSeveralWereMissed) {
  auto job = succeeded("2026-11-20T02:10:00Z");
  auto health = assess_job(daily(), &job, at("2026-11-29T12:00:00Z"));
  ASSERT_TRUE(health.overdue_firing);
  EXPECT_EQ(*health.overdue_firing, at("2026-11-29T02:00:00Z"));
}

TEST(JobHealth, AFailedLastRunNeedsAttentionAndSaysWhy) {
  auto job = succeeded("2026-11-28T02:10:00Z");
  job.run_id = "kb-2";
  job.result = state::RunResult::failed;
  job.error = "Qualys CODE 2001 (This account has expired.)";
  auto health = assess_job(daily(), &job, at("2026-11-28T12:00:00Z"));
  EXPECT_TRUE(health.last_run_failed);
  EXPECT_FALSE(health.overdue_firing);
  ASSERT_EQ(health.reasons.size(), 1u);
  EXPECT_EQ(health.reasons[0],
            "last run kb-2 failed: Qualys CODE 2001 (This account has expired.)");
}

TEST(JobHealth, ATimedOutLastRunNeedsAttention) {
  auto job = succeeded("2026-11-28T02:10:00Z");
  job.result = state::RunResult::timed_out;
  EXPECT_TRUE(assess_job(daily(), &job, at("2026-11-28T12:00:00Z")).last_run_failed);
}

TEST(JobHealth, ACancelledOrRunningLastRunIsNotAFailure) {
  auto job = succeeded("2026-11-28T02:10:00Z");
  for (auto result : {state::RunResult::cancelled, state::RunResult::running}) {
    job.result = result;
    EXPECT_FALSE(assess_job(daily(), &job, at("2026-11-28T12:00:00Z")).needs_attention())
        << state::run_result_name(result);
  }
}

TEST(JobHealth, ADisabledJobNeverNeedsAttention) {
  auto schedule = daily();
  schedule.enabled = false;
  auto job = succeeded("2026-11-01T02:10:00Z");
  job.result = state::RunResult::failed;
  EXPECT_FALSE(assess_job(schedule, &job, at("2026-11-29T12:00:00Z")).needs_attention());
}

TEST(JobHealth, AJobTheDaemonNeverScheduledIsNotOverdue) {
  EXPECT_FALSE(assess_job(daily(), nullptr, at("2026-11-29T12:00:00Z")).needs_attention());
}

TEST(JobHealth, WithoutASuccessOnlyFiringsFromTheFirstKnownOneCount) {
  state::JobState job;  // as the daemon's start leaves it: only the next firing
  job.next_firing = at("2026-11-29T02:00:00Z");
  EXPECT_FALSE(assess_job(daily(), &job, at("2026-11-29T03:04:59Z")).needs_attention());
  auto health = assess_job(daily(), &job, at("2026-11-29T03:05:00Z"));
  ASSERT_TRUE(health.overdue_firing);
  EXPECT_EQ(*health.overdue_firing, at("2026-11-29T02:00:00Z"));
  EXPECT_NE(health.reasons[0].find("last success never"), std::string::npos) << health.reasons[0];
}

TEST(JobHealth, FollowsTheJobsTimeZone) {
  auto schedule = daily();
  schedule.time_zone = "Europe/Berlin";  // 02:00 CET is 01:00 UTC
  auto job = succeeded("2026-11-28T01:10:00Z");
  EXPECT_FALSE(assess_job(schedule, &job, at("2026-11-29T02:04:59Z")).needs_attention());
  EXPECT_TRUE(assess_job(schedule, &job, at("2026-11-29T02:05:00Z")).overdue_firing);
}

}  // namespace
}  // namespace qi::daemon
