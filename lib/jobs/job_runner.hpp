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
// The status run_status_name names (as state.json records it); nullopt for any other text.
std::optional<RunStatus> run_status_from_name(std::string_view name);
inline constexpr RunStatus kAllRunStatuses[] = {
    RunStatus::succeeded, RunStatus::published_state_not_saved, RunStatus::failed,
    RunStatus::timed_out, RunStatus::cancelled};

struct RunOutcome {
  JobKind kind{};
  std::string run_id;
  RunStatus status = RunStatus::failed;
  std::string error;  // what went wrong, for the log and the state file
  std::string qualys_code;
  std::optional<JobResult> result;  // set when the job published (also state not saved)
  std::chrono::system_clock::time_point started;
  std::chrono::system_clock::time_point finished;
  qualys::RetryCounts retries;  // the requests of this run that were retried, by cause
};

// A short unique identifier for one run, e.g. "kb-20261128T020000Z-3f2a".
std::string make_run_id(JobKind kind, std::chrono::system_clock::time_point when);

// How one run goes beyond its job, session and configuration: what `run` asks on the command line,
// what the daemon listens to.
struct RunOptions {
  std::string run_id;                                        // make_run_id
  std::function<void(const JobProgress&)> on_progress = {};  // after every page or window
  // The progress log's period: at least every 30 s, so a run waiting minutes for one response
  // still shows it is alive.
  std::chrono::seconds progress_interval = std::chrono::seconds(30);
  bool force = false;  // `run --force`: skip the shrink guard and the count check once
  bool full = false;   // `run --full`: a full pull even where an incremental one would do
  const InsightTools* insight = nullptr;  // the insight job's way to Jira (JobEnvironment)
};

asio::awaitable<RunOutcome> run_job_with_deadline(JobKind kind, qualys::QualysSession& session,
                                                  const config::Config& config, RunOptions options);

}  // namespace qi::jobs
