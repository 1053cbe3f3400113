// What the metrics file says (docs/operator-guide.md, "Metrics"): per job, its last start,
// success, failure and run, as the writing process knows them: state.json and manifest.json when
// it starts, then its own runs. Rendered in the Prometheus text format for node_exporter's textfile
// collector.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "jobs/job_runner.hpp"
#include "output/manifest.hpp"
#include "state/state_file.hpp"

namespace qi::daemon {

struct JobMetrics {
  using Time = std::chrono::system_clock::time_point;
  std::optional<Time> last_start;
  std::optional<Time> last_success;  // the end of the last run that published
  std::optional<Time> last_failure;  // the end of the last run that failed or timed out
  // The last finished run. Its retries are unknown for a run this process did not see.
  std::optional<jobs::RunStatus> last_result;
  std::optional<std::chrono::duration<double>> last_duration;
  std::optional<qualys::RetryCounts> last_retries;
  // The last run that published: its files' rows, and its API calls and body bytes.
  std::map<std::string, std::uint64_t> published_rows;
  std::optional<std::uint64_t> api_calls;
  std::optional<std::uint64_t> api_bytes;
};

// The figures of every job that has run, by job name.
class JobMetricsBook {
 public:
  // What state.json records of the daemon's runs (an entry still "running" was interrupted: its
  // start counts, its result is unknown).
  void seed(const state::DaemonState& state);
  // What the output directory holds (after state.json: the files there now, and a publication
  // by `run`, which state.json does not record, as the job's last success when it is newer).
  void seed(const output::Manifest& manifest);
  void started(jobs::JobKind kind, JobMetrics::Time when);
  void finished(const jobs::RunOutcome& outcome);

  const std::map<std::string, JobMetrics>& jobs() const { return jobs_; }

 private:
  std::map<std::string, JobMetrics> jobs_;
};

// Who writes the metrics: every sample carries config="<file>", so that the files of several
// instances (one per subscription) can sit side by side in node_exporter's directory.
struct MetricsSource {
  std::string config_file;  // the configuration file, as an absolute path
  std::string version;
  std::uint64_t config_generation = 1;
};

// The Prometheus text exposition of `jobs` (label qualys_job: `job` is Prometheus's own), with
// qualys_insightd_build_info{version} and qualys_insightd_config_generation.
std::string metrics_text(const std::map<std::string, JobMetrics>& jobs,
                         const MetricsSource& source);

}  // namespace qi::daemon
