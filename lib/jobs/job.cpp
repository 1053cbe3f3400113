#include "jobs/job.hpp"

#include <stdexcept>

namespace qi::jobs {

const JobDefinition& job_definition(JobKind kind) {
  for (const auto& job : kJobs) {
    if (job.kind == kind) return job;
  }
  throw std::logic_error("unknown job");
}

std::string_view job_name(JobKind kind) {
  return job_definition(kind).name;
}

std::optional<JobKind> job_from_name(std::string_view name) {
  for (const auto& job : kJobs) {
    if (job.name == name) return job.kind;
  }
  return std::nullopt;
}

config::JobSchedule schedule_of(const config::Config& config, JobKind kind) {
  return job_definition(kind).schedule(config);
}

bool insight_on(const config::Config& config) {
  return config.insight.mode != config::InsightMode::off;
}

config::JobSchedule insight_schedule(const config::Config& config) {
  config::JobSchedule schedule;
  schedule.enabled = insight_on(config);
  schedule.schedule = config.insight.schedule;
  schedule.timeout = config.insight.timeout;
  schedule.min_ratio = 0;
  schedule.full_refresh = config::Duration::zero();
  return schedule;
}

std::vector<JobKind> configured_jobs(const config::Config& configuration) {
  std::vector<JobKind> kinds;
  for (const auto& job : kJobs) {
    if (job.configured(configuration)) kinds.push_back(job.kind);
  }
  return kinds;
}

bool is_configured(const config::Config& configuration, JobKind kind) {
  return job_definition(kind).configured(configuration);
}

asio::awaitable<JobResult> run_job(JobKind kind, JobEnvironment& env) {
  co_return co_await job_definition(kind).run(env);
}

}  // namespace qi::jobs
