// Runs one job under its deadline and reports the outcome; shared by `run` and the scheduler.
// At the deadline (or on cancellation from outside, e.g. SIGTERM) the job's coroutine is
// cancelled: its sockets close, its temp files are removed, the previous outputs stay.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "jobs/job.hpp"
#include "state/state_file.hpp"

namespace qi::jobs {

// published_state_not_saved: the files and manifest are published, but a record in state.dir
// (an incremental base, asset-host-ids, kb-window-rows) or manifest.json could not be written
// after them; `error` says which and why.
// The result state.json stores (never `running` or `never_run` here).
using RunStatus = state::RunResult;

std::string_view run_status_name(RunStatus status);

struct RunOutcome {
  JobKind kind{};
  std::string run_id;
  RunStatus status = RunStatus::failed;
  std::string error;  // what went wrong, for the log and the state file
  std::string qualys_code;
  std::optional<JobResult> result;  // set when the job published (also state not saved)
  std::chrono::system_clock::time_point started;
  std::chrono::system_clock::time_point finished;
};

// A short unique identifier for one run, e.g. "kb-20261128T020000Z-3f2a".
std::string make_run_id(JobKind kind, std::chrono::system_clock::time_point when);

// Logs progress every `progress_interval` while the job runs (DESIGN.md: at least every 30 s).
asio::awaitable<RunOutcome> run_job_with_deadline(
    JobKind kind, qualys::QualysSession& session, const config::Config& config, std::string run_id,
    std::function<void(const JobProgress&)> on_progress = {},
    std::chrono::seconds progress_interval = std::chrono::seconds(30), bool force = false,
    bool full = false);

}  // namespace qi::jobs
