#include "job_metrics.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace qi::daemon {

namespace {

bool is_failure(jobs::RunStatus status) {
  return status == jobs::RunStatus::failed || status == jobs::RunStatus::timed_out;
}

// The metric name part of each result: qualys_insightd_last_run_<result>.
std::string_view result_metric(jobs::RunStatus status) {
  switch (status) {
    case jobs::RunStatus::succeeded:
      return "succeeded";
    case jobs::RunStatus::published_state_not_saved:
      return "published_state_not_saved";
    case jobs::RunStatus::failed:
      return "failed";
    case jobs::RunStatus::timed_out:
      return "timed_out";
    case jobs::RunStatus::cancelled:
      return "cancelled";
    case jobs::RunStatus::never_run:
    case jobs::RunStatus::running:
      break;  // not the end of a run: no last-run gauge names them
  }
  return "unknown";
}

std::string_view cause_label(TransientCause cause) {
  switch (cause) {
    case TransientCause::rate_limit:
      return "rate_limit";
    case TransientCause::concurrency:
      return "concurrency";
    case TransientCause::server_error:
      return "server_error";
    case TransientCause::network:
      return "network";
  }
  return "unknown";
}

// A label value in the text format: backslash, double quote and line feed escaped.
std::string escaped(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return out;
}

double seconds_since_epoch(JobMetrics::Time time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

// Appends one gauge family: its HELP and TYPE lines, then `samples` adds the samples.
class Exposition {
 public:
  using Job = std::pair<const std::string, JobMetrics>;

  explicit Exposition(const std::string& config_file)
      : config_label_("config=\"" + escaped(config_file) + "\"") {}

  void family(std::string_view name, std::string_view help) {
    text_ += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
    name_ = name;
  }
  void sample(std::string_view labels, double value) {
    text_ += fmt::format("{}{{{}{}{}}} {}\n", name_, config_label_, labels.empty() ? "" : ",",
                         labels, value);
  }
  // One family with a sample for every job whose `value` is known.
  template <typename Value>
  void per_job(const std::map<std::string, JobMetrics>& jobs, std::string_view name,
               std::string_view help, Value value) {
    family(name, help);
    for (const auto& [job, metrics] : jobs) {
      if (const auto v = value(metrics)) sample(job_label(job), *v);
    }
  }
  static std::string job_label(const std::string& job) {
    return "qualys_job=\"" + escaped(job) + "\"";
  }
  std::string take() { return std::move(text_); }

 private:
  std::string config_label_;
  std::string text_;
  std::string name_;
};

std::optional<double> time_value(const std::optional<JobMetrics::Time>& time) {
  if (!time) return std::nullopt;
  return seconds_since_epoch(*time);
}

}  // namespace

void JobMetricsBook::seed(const state::DaemonState& state) {
  for (const auto& [name, job] : state.jobs) {
    auto& metrics = jobs_[name];
    if (job.started) metrics.last_start = *job.started;
    if (job.last_success) metrics.last_success = *job.last_success;
    const std::optional<jobs::RunStatus> result = job.result;
    if (job.result == state::RunResult::never_run || job.result == state::RunResult::running ||
        !job.finished) {
      continue;
    }
    metrics.last_result = result;
    if (job.started) metrics.last_duration = *job.finished - *job.started;
    if (is_failure(*result)) metrics.last_failure = *job.finished;
    if (!job.last_success) continue;
    for (const auto& file : job.files) metrics.published_rows[file.name] = file.rows;
    metrics.api_calls = job.api_calls;
    metrics.api_bytes = job.api_bytes;
  }
}

void JobMetricsBook::seed(const output::Manifest& manifest) {
  for (const auto& [name, file] : manifest.files) {
    if (file.job.empty()) continue;
    auto& metrics = jobs_[file.job];
    metrics.published_rows[name] = file.rows;
    if (const auto published = state::parse_time(file.published_at)) {
      metrics.last_success =
          std::max(metrics.last_success.value_or(JobMetrics::Time()), JobMetrics::Time(*published));
    }
  }
}

void JobMetricsBook::started(jobs::JobKind kind, JobMetrics::Time when) {
  jobs_[std::string(jobs::job_name(kind))].last_start = when;
}

void JobMetricsBook::finished(const jobs::RunOutcome& outcome) {
  auto& metrics = jobs_[std::string(jobs::job_name(outcome.kind))];
  metrics.last_result = outcome.status;
  metrics.last_duration = outcome.finished - outcome.started;
  metrics.last_retries = outcome.retries;
  if (is_failure(outcome.status)) metrics.last_failure = outcome.finished;
  if (!outcome.result) return;
  metrics.last_success = outcome.finished;
  metrics.published_rows.clear();
  for (const auto& file : outcome.result->files) metrics.published_rows[file.name] = file.rows;
  metrics.api_calls = outcome.result->api_calls;
  metrics.api_bytes = outcome.result->api_bytes;
}

std::string metrics_text(const std::map<std::string, JobMetrics>& jobs,
                         const MetricsSource& source) {
  Exposition out(source.config_file);
  out.family("qualys_insightd_build_info",
             "The version of the running qualys-insightd (always 1).");
  out.sample("version=\"" + escaped(source.version) + "\"", 1);
  out.family("qualys_insightd_config_generation",
             "The configuration in use: 1 at start, one more per accepted reload (SIGHUP).");
  out.sample("", static_cast<double>(source.config_generation));

  out.per_job(jobs, "qualys_insightd_last_start_timestamp_seconds",
              "When the job's last run started (Unix time).",
              [](const JobMetrics& m) { return time_value(m.last_start); });
  out.per_job(jobs, "qualys_insightd_last_success_timestamp_seconds",
              "When the job's last run that published its files ended (Unix time).",
              [](const JobMetrics& m) { return time_value(m.last_success); });
  out.per_job(jobs, "qualys_insightd_last_failure_timestamp_seconds",
              "When the job's last failed or timed-out run ended (Unix time).",
              [](const JobMetrics& m) { return time_value(m.last_failure); });
  out.per_job(jobs, "qualys_insightd_last_run_duration_seconds",
              "How long the job's last finished run took.",
              [](const JobMetrics& m) -> std::optional<double> {
                if (!m.last_duration) return std::nullopt;
                return m.last_duration->count();
              });
  for (auto status : jobs::kAllRunStatuses) {
    out.per_job(jobs, fmt::format("qualys_insightd_last_run_{}", result_metric(status)),
                fmt::format("1 when the job's last finished run ended \"{}\", else 0.",
                            jobs::run_status_name(status)),
                [status](const JobMetrics& m) -> std::optional<double> {
                  if (!m.last_result) return std::nullopt;
                  return *m.last_result == status ? 1 : 0;
                });
  }

  out.family("qualys_insightd_last_run_retries",
             "Requests of the job's last finished run retried, by the cause of the failure.");
  for (const auto& [job, metrics] : jobs) {
    if (!metrics.last_retries) continue;
    for (auto cause : kTransientCauses) {
      out.sample(Exposition::job_label(job) + ",cause=\"" + std::string(cause_label(cause)) + "\"",
                 static_cast<double>(metrics.last_retries->of(cause)));
    }
  }
  out.family("qualys_insightd_published_rows",
             "Data rows of each file as the job's last successful run published it.");
  for (const auto& [job, metrics] : jobs) {
    for (const auto& [file, rows] : metrics.published_rows) {
      out.sample(Exposition::job_label(job) + ",file=\"" + escaped(file) + "\"",
                 static_cast<double>(rows));
    }
  }
  out.per_job(jobs, "qualys_insightd_last_success_api_calls",
              "Qualys API calls of the job's last successful run.",
              [](const JobMetrics& m) -> std::optional<double> {
                if (!m.api_calls) return std::nullopt;
                return static_cast<double>(*m.api_calls);
              });
  out.per_job(jobs, "qualys_insightd_last_success_api_bytes",
              "Response body bytes the job's last successful run received from Qualys.",
              [](const JobMetrics& m) -> std::optional<double> {
                if (!m.api_bytes) return std::nullopt;
                return static_cast<double>(*m.api_bytes);
              });
  return out.take();
}

}  // namespace qi::daemon
