#include "jobs/job.hpp"

namespace qi::jobs {

std::string_view job_name(JobKind kind) {
  switch (kind) {
    case JobKind::assets:
      return "assets";
    case JobKind::kb:
      return "kb";
    case JobKind::vm:
      return "vm";
  }
  return "?";
}

std::optional<JobKind> job_from_name(std::string_view name) {
  for (auto kind : kAllJobs) {
    if (job_name(kind) == name) return kind;
  }
  return std::nullopt;
}

const config::JobSchedule& schedule_of(const config::Config& config, JobKind kind) {
  switch (kind) {
    case JobKind::assets:
      return config.jobs.assets;
    case JobKind::kb:
      return config.jobs.kb;
    case JobKind::vm:
      return config.jobs.vm;
  }
  return config.jobs.assets;
}

asio::awaitable<JobResult> run_job(JobKind kind, JobEnvironment& env) {
  switch (kind) {
    case JobKind::assets:
      co_return co_await run_assets_job(env);
    case JobKind::kb:
      co_return co_await run_kb_job(env);
    case JobKind::vm:
      co_return co_await run_vm_job(env);
  }
  throw std::logic_error("unknown job");
}

}  // namespace qi::jobs
