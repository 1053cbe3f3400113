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

const config::JobSchedule& schedule_of(const config::Config& config, JobKind kind) {
  return job_definition(kind).schedule(config);
}

asio::awaitable<JobResult> run_job(JobKind kind, JobEnvironment& env) {
  co_return co_await job_definition(kind).run(env);
}

}  // namespace qi::jobs
