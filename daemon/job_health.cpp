#include "job_health.hpp"

#include <date/tz.h>

#include "schedule/cron_expression.hpp"
#include "schedule/job_scheduler.hpp"

namespace qi::daemon {

using namespace std::chrono;

namespace {

// The first firing state.json knows of a job that never succeeded.
std::optional<state::Time> first_known_firing(const state::JobState& job) {
  if (job.last_scheduled && job.next_firing) return std::min(*job.last_scheduled, *job.next_firing);
  return job.last_scheduled ? job.last_scheduled : job.next_firing;
}

}  // namespace

JobHealth assess_job(const config::JobSchedule& schedule, const state::JobState* job,
                     state::Time now) {
  JobHealth health;
  if (!schedule.enabled || job == nullptr) return health;
  if (job->result == state::RunResult::failed || job->result == state::RunResult::timed_out) {
    health.last_run_failed = true;
    health.reasons.push_back("last run " + job->run_id + " " +
                             std::string(state::run_result_name(job->result)) +
                             (job->error.empty() ? std::string() : ": " + job->error));
  }

  // Firings in (since, now - allowance] should have had a successful run finish by now.
  std::optional<state::Time> since = job->last_success;
  if (!since) {
    auto first = first_known_firing(*job);
    if (!first) return health;  // never scheduled by the daemon: nothing was due yet
    since = *first - seconds(1);
  }
  const auto allowance =
      ceil<seconds>(schedule.timeout + schedule.jitter) + duration_cast<seconds>(kOverdueGrace);
  const auto expression = schedule::CronExpression::parse(schedule.schedule);
  const date::time_zone* zone =
      schedule.time_zone.empty() ? date::current_zone() : date::locate_zone(schedule.time_zone);
  health.overdue_firing = schedule::latest_firing(expression, zone, *since, now - allowance);
  if (health.overdue_firing) {
    health.reasons.push_back(
        "overdue: no successful run since the firing of " +
        state::format_time(*health.overdue_firing) + ", which should have finished by " +
        state::format_time(*health.overdue_firing + allowance) + " (timeout " +
        std::to_string(ceil<seconds>(schedule.timeout).count()) + " s + jitter " +
        std::to_string(ceil<seconds>(schedule.jitter).count()) + " s + " +
        std::to_string(kOverdueGrace.count()) + " min grace); last success " +
        (job->last_success ? state::format_time(*job->last_success) : std::string("never")));
  }
  return health;
}

}  // namespace qi::daemon
