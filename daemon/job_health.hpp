// Whether a job needs an operator's attention, for `status` and its exit code: its last run under
// the daemon failed or timed out, or it is overdue. Computed from the configuration and state.json
// alone, so a monitoring check can ask without talking to the daemon.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "state/state_file.hpp"

namespace qi::daemon {

// Slack on top of a run's own limits (jitter and timeout) before a missing success counts as
// overdue: the scheduler's one-minute wake-ups and the state write after a run fit well inside.
inline constexpr std::chrono::minutes kOverdueGrace{15};

struct JobHealth {
  bool last_run_failed = false;  // result "failed" or "timed out"
  // Overdue: enabled, and some firing F of its schedule has F + jitter + timeout + kOverdueGrace
  // <= now with no success recorded since F. Without any success, only firings from the first
  // one state.json knows (the job's last scheduled or next firing) on count: before the daemon
  // scheduled the job nothing was due.
  std::optional<state::Time> overdue_firing;  // the newest such F
  std::vector<std::string> reasons;           // one sentence per problem; empty: all fine
  bool needs_attention() const { return !reasons.empty(); }
};

// `job` is null when state.json has no entry for the job. A disabled job never needs attention.
// Throws what parsing the schedule or locating its time zone throws (the configuration loader
// has checked both).
JobHealth assess_job(const config::JobSchedule& schedule, const state::JobState* job,
                     state::Time now);

}  // namespace qi::daemon
