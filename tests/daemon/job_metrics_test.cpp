// The metrics text: what each job's figures become, and what state.json seeds.
#include "job_metrics.hpp"

#include <gtest/gtest.h>

namespace qi::daemon {
namespace {

using namespace std::chrono;
using Time = JobMetrics::Time;

state::Time at(std::string_view text) {
  return *state::parse_time(text);
}

jobs::RunOutcome outcome(jobs::RunStatus status, std::string_view started,
                         std::string_view finished) {
  jobs::RunOutcome run;
  run.kind = jobs::JobKind::kb;
  run.status = status;
  run.started = at(started);
  run.finished = at(finished);
  return run;
}

jobs::RunOutcome published(std::string_view started, std::string_view finished) {
  auto run = outcome(jobs::RunStatus::succeeded, started, finished);
  run.result.emplace();
  run.result->files = {{"vulnkb.csv", 40, 9000}, {"cve.csv", 75, 1200}};
  run.result->api_calls = 4;
  run.result->api_bytes = 123456;
  return run;
}

output::ManifestFile published_file(std::uint64_t rows, std::string job, std::string at) {
  output::ManifestFile file;
  file.rows = rows;
  file.job = std::move(job);
  file.published_at = std::move(at);
  return file;
}

std::string text_of(const JobMetricsBook& book) {
  return metrics_text(book.jobs(), {"/etc/q.yaml", "1.2.3", 1});
}

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

TEST(JobMetrics, TheTextStartsWithTheBuildInfoAndTheConfigGeneration) {
  const auto text = metrics_text({}, {"/etc/q.yaml", "1.2.3", 4});
  EXPECT_EQ(text.substr(0, text.find("# HELP qualys_insightd_last_start")),
            "# HELP qualys_insightd_build_info The version of the running qualys-insightd (always "
            "1).\n"
            "# TYPE qualys_insightd_build_info gauge\n"
            "qualys_insightd_build_info{config=\"/etc/q.yaml\",version=\"1.2.3\"} 1\n"
            "# HELP qualys_insightd_config_generation The configuration in use: 1 at start, one "
            "more per accepted reload (SIGHUP).\n"
            "# TYPE qualys_insightd_config_generation gauge\n"
            "qualys_insightd_config_generation{config=\"/etc/q.yaml\"} 4\n");
}

TEST(JobMetrics, ASuccessfulRunGivesItsTimesResultRowsCallsAndRetries) {
  JobMetricsBook book;
  book.started(jobs::JobKind::kb, at("2026-11-28T02:00:00Z"));
  auto run = published("2026-11-28T02:00:00Z", "2026-11-28T02:01:30Z");
  run.retries.add(TransientCause::rate_limit);
  run.retries.add(TransientCause::rate_limit);
  run.retries.add(TransientCause::server_error);
  book.finished(run);
  const auto text = text_of(book);

  EXPECT_TRUE(has_line(text,
                       "qualys_insightd_last_start_timestamp_seconds{config=\"/etc/"
                       "q.yaml\",qualys_job=\"kb\"} 1795831200"))
      << text;
  EXPECT_TRUE(has_line(text,
                       "qualys_insightd_last_success_timestamp_seconds{config=\"/etc/"
                       "q.yaml\",qualys_job=\"kb\"} 1795831290"));
  EXPECT_EQ(text.find("qualys_insightd_last_failure_timestamp_seconds{"), std::string::npos);
  EXPECT_TRUE(has_line(
      text,
      "qualys_insightd_last_run_duration_seconds{config=\"/etc/q.yaml\",qualys_job=\"kb\"} 90"));
  EXPECT_TRUE(has_line(
      text, "qualys_insightd_last_run_succeeded{config=\"/etc/q.yaml\",qualys_job=\"kb\"} 1"));
  for (const char* other : {"published_state_not_saved", "failed", "timed_out", "cancelled"}) {
    EXPECT_TRUE(has_line(text, std::string("qualys_insightd_last_run_") + other +
                                   "{config=\"/etc/q.yaml\",qualys_job=\"kb\"} 0"))
        << other;
  }
  EXPECT_TRUE(has_line(text,
                       "qualys_insightd_published_rows{config=\"/etc/"
                       "q.yaml\",qualys_job=\"kb\",file=\"cve.csv\"} 75"));
  EXPECT_TRUE(has_line(text,
                       "qualys_insightd_published_rows{config=\"/etc/"
                       "q.yaml\",qualys_job=\"kb\",file=\"vulnkb.csv\"} 40"));
  EXPECT_TRUE(has_line(
      text, "qualys_insightd_last_success_api_calls{config=\"/etc/q.yaml\",qualys_job=\"kb\"} 4"));
  EXPECT_TRUE(has_line(
      text,
      "qualys_insightd_last_success_api_bytes{config=\"/etc/q.yaml\",qualys_job=\"kb\"} 123456"));
  EXPECT_TRUE(has_line(text,
                       "qualys_insightd_last_run_retries{config=\"/etc/"
                       "q.yaml\",qualys_job=\"kb\",cause=\"rate_limit\"} 2"));
  EXPECT_TRUE(has_line(text,
                       "qualys_insightd_last_run_retries{config=\"/etc/"
                       "q.yaml\",qualys_job=\"kb\",cause=\"concurrency\"} 0"));
  EXPECT_TRUE(has_line(text,
                       "qualys_insightd_last_run_retries{config=\"/etc/"
                       "q.yaml\",qualys_job=\"kb\",cause=\"server_error\"} 1"));
  EXPECT_TRUE(has_line(text,
                       "qualys_insightd_last_run_retries{config=\"/etc/"
                       "q.yaml\",qualys_job=\"kb\",cause=\"network\"} 0"));
}

TEST(JobMetrics, AFailedRunKeepsTheLastSuccessAndItsRows) {
  JobMetricsBook book;
  book.finished(published("2026-11-28T02:00:00Z", "2026-11-28T02:01:30Z"));
  book.finished(outcome(jobs::RunStatus::failed, "2026-11-29T02:00:00Z", "2026-11-29T02:00:05Z"));
  const auto text = text_of(book);

  EXPECT_TRUE(has_line(text,
                       "qualys_insightd_last_success_timestamp_seconds{config=\"/etc/"
                       "q.yaml\",qualys_job=\"kb\"} 1795831290"));
  EXPECT_TRUE(has_line(text,
                       "qualys_insightd_last_failure_timestamp_seconds{config=\"/etc/"
                       "q.yaml\",qualys_job=\"kb\"} 1795917605"));
  EXPECT_TRUE(has_line(
      text,
      "qualys_insightd_last_run_duration_seconds{config=\"/etc/q.yaml\",qualys_job=\"kb\"} 5"));
  EXPECT_TRUE(has_line(
      text, "qualys_insightd_last_run_failed{config=\"/etc/q.yaml\",qualys_job=\"kb\"} 1"));
  EXPECT_TRUE(has_line(
      text, "qualys_insightd_last_run_succeeded{config=\"/etc/q.yaml\",qualys_job=\"kb\"} 0"));
  EXPECT_TRUE(has_line(text,
                       "qualys_insightd_published_rows{config=\"/etc/"
                       "q.yaml\",qualys_job=\"kb\",file=\"cve.csv\"} 75"));
}

TEST(JobMetrics, ATimedOutRunIsAFailureAndACancelledOneIsNot) {
  JobMetricsBook book;
  book.finished(
      outcome(jobs::RunStatus::timed_out, "2026-11-28T02:00:00Z", "2026-11-28T02:50:00Z"));
  auto text = text_of(book);
  EXPECT_TRUE(has_line(
      text, "qualys_insightd_last_run_timed_out{config=\"/etc/q.yaml\",qualys_job=\"kb\"} 1"));
  EXPECT_TRUE(has_line(text,
                       "qualys_insightd_last_failure_timestamp_seconds{config=\"/etc/"
                       "q.yaml\",qualys_job=\"kb\"} 1795834200"));

  book.finished(
      outcome(jobs::RunStatus::cancelled, "2026-11-29T02:00:00Z", "2026-11-29T02:00:01Z"));
  text = text_of(book);
  EXPECT_TRUE(has_line(
      text, "qualys_insightd_last_run_cancelled{config=\"/etc/q.yaml\",qualys_job=\"kb\"} 1"));
  EXPECT_TRUE(has_line(text,
                       "qualys_insightd_last_failure_timestamp_seconds{config=\"/etc/"
                       "q.yaml\",qualys_job=\"kb\"} 1795834200"));
}

TEST(JobMetrics, StateJsonSeedsWhatTheDaemonRecordedWithoutRetries) {
  state::DaemonState state;
  auto& vm = state.jobs["vm"];
  vm.started = at("2026-11-28T03:00:00Z");
  vm.finished = at("2026-11-28T03:10:00Z");
  vm.result = state::RunResult::timed_out;
  vm.last_success = at("2026-11-27T03:05:00Z");
  vm.files = {{"vm.csv", 56, 4000}};
  vm.api_calls = 7;
  vm.api_bytes = 999;
  JobMetricsBook book;
  book.seed(state);
  const auto text = text_of(book);

  EXPECT_TRUE(has_line(text,
                       "qualys_insightd_last_start_timestamp_seconds{config=\"/etc/"
                       "q.yaml\",qualys_job=\"vm\"} 1795834800"));
  EXPECT_TRUE(has_line(text,
                       "qualys_insightd_last_success_timestamp_seconds{config=\"/etc/"
                       "q.yaml\",qualys_job=\"vm\"} 1795748700"));
  EXPECT_TRUE(has_line(text,
                       "qualys_insightd_last_failure_timestamp_seconds{config=\"/etc/"
                       "q.yaml\",qualys_job=\"vm\"} 1795835400"));
  EXPECT_TRUE(has_line(
      text,
      "qualys_insightd_last_run_duration_seconds{config=\"/etc/q.yaml\",qualys_job=\"vm\"} 600"));
  EXPECT_TRUE(has_line(
      text, "qualys_insightd_last_run_timed_out{config=\"/etc/q.yaml\",qualys_job=\"vm\"} 1"));
  EXPECT_TRUE(has_line(text,
                       "qualys_insightd_published_rows{config=\"/etc/"
                       "q.yaml\",qualys_job=\"vm\",file=\"vm.csv\"} 56"));
  EXPECT_TRUE(has_line(
      text, "qualys_insightd_last_success_api_calls{config=\"/etc/q.yaml\",qualys_job=\"vm\"} 7"));
  EXPECT_EQ(text.find("qualys_insightd_last_run_retries{"), std::string::npos);
}

TEST(JobMetrics, TheManifestGivesTheRowsOnDiskAndANewerPublicationAsTheLastSuccess) {
  state::DaemonState state;
  auto& kb = state.jobs["kb"];
  kb.last_success = at("2026-11-27T02:05:00Z");
  kb.files = {{"vulnkb.csv", 30, 100}};
  output::Manifest manifest;
  manifest.files["vulnkb.csv"] = published_file(40, "kb", "2026-11-28T02:05:00Z");
  manifest.files["vm.csv"] = published_file(56, "vm", "2026-11-26T03:05:00Z");
  JobMetricsBook book;
  book.seed(state);
  book.seed(manifest);
  const auto text = text_of(book);

  EXPECT_TRUE(has_line(text,
                       "qualys_insightd_published_rows{config=\"/etc/"
                       "q.yaml\",qualys_job=\"kb\",file=\"vulnkb.csv\"} 40"));
  EXPECT_TRUE(has_line(text,
                       "qualys_insightd_published_rows{config=\"/etc/"
                       "q.yaml\",qualys_job=\"vm\",file=\"vm.csv\"} 56"));
  EXPECT_TRUE(has_line(
      text,
      "qualys_insightd_last_success_timestamp_seconds{config=\"/etc/q.yaml\",qualys_job=\"kb\"} " +
          std::to_string(at("2026-11-28T02:05:00Z").time_since_epoch().count())));
}

TEST(JobMetrics, AnOlderPublicationDoesNotMoveTheLastSuccessBack) {
  state::DaemonState state;
  state.jobs["kb"].last_success = at("2026-11-28T02:05:00Z");
  output::Manifest manifest;
  manifest.files["cve.csv"] = published_file(1, "kb", "2026-11-20T02:05:00Z");
  JobMetricsBook book;
  book.seed(state);
  book.seed(manifest);
  EXPECT_TRUE(has_line(
      text_of(book),
      "qualys_insightd_last_success_timestamp_seconds{config=\"/etc/q.yaml\",qualys_job=\"kb\"} " +
          std::to_string(at("2026-11-28T02:05:00Z").time_since_epoch().count())));
}

TEST(JobMetrics, AStateEntryLeftRunningGivesItsStartButNoResult) {
  state::DaemonState state;
  auto& kb = state.jobs["kb"];
  kb.started = at("2026-11-28T02:00:00Z");
  kb.result = state::RunResult::running;
  JobMetricsBook book;
  book.seed(state);
  const auto text = text_of(book);

  EXPECT_TRUE(has_line(text,
                       "qualys_insightd_last_start_timestamp_seconds{config=\"/etc/"
                       "q.yaml\",qualys_job=\"kb\"} 1795831200"));
  EXPECT_EQ(text.find("qualys_insightd_last_run_succeeded{"), std::string::npos);
  EXPECT_EQ(text.find("qualys_insightd_last_run_duration_seconds{"), std::string::npos);
}

TEST(JobMetrics, LabelValuesEscapeQuotesBackslashesAndLineFeeds) {
  const auto text = metrics_text({}, {"/etc/a\"b.yaml", "1.0 \"x\\y\"\nz", 1});
  EXPECT_TRUE(has_line(
      text, R"(qualys_insightd_build_info{config="/etc/a\"b.yaml",version="1.0 \"x\\y\"\nz"} 1)"))
      << text;
}

}  // namespace
}  // namespace qi::daemon
