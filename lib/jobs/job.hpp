// The jobs (the table kJobs): assets, kb and vm each pull from Qualys, stream rows into temp
// files and publish them atomically; a job either publishes all of its files or none (the
// previous outputs stay byte-identical). insight (jobs/insight_job.hpp), only with insight.mode
// on, gets the published files into Jira Assets and publishes nothing.
#pragma once

#include <algorithm>
#include <array>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "output/manifest.hpp"
#include "qualys/qualys_session.hpp"

namespace qi::jobs {

namespace asio = boost::asio;

// Every job the daemon knows; kJobs below says what each is.
enum class JobKind { assets, kb, vm, insight };

// Progress as the job goes: what it has done so far. Reported after every page or window.
struct JobProgress {
  std::uint64_t pages = 0;
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
  std::string stage;  // e.g. "window 50001-100000", "page 7"
  // The rate governor's pause in force, e.g. "waiting 42 s: Qualys rate limit, 3 calls left in
  // the 3600 s window"; empty when calls may go out.
  std::string waiting;
};

using PublishedFile = output::PublishedFile;

struct JobResult {
  JobKind kind{};
  std::vector<PublishedFile> files;
  std::uint64_t pages = 0;
  std::uint64_t api_calls = 0;
  std::uint64_t api_bytes = 0;
  std::string summary;  // one line for the log, e.g. "1234 assets (CSAM count 1234)"
  std::map<std::string, output::ReferenceCheck> references;  // cross-file checks after publishing
  // What the job could not record after it had published (a full state.dir, say): each entry
  // says what and why. The run then ends "published, state not saved", not "failed".
  std::vector<std::string> state_not_saved;
};

struct InsightTools;  // jobs/insight_job.hpp

struct JobEnvironment {
  qualys::QualysSession& session;
  const config::Config& config;
  qualys::CallContext context;  // job name and run id for logs, deadline
  std::function<void(const JobProgress&)> on_progress = [](const JobProgress&) {};
  JobProgress progress = {};  // live figures, also read by the runner's 30 s progress log
  bool force = false;         // `run --force`: skip the shrink guard and the count check once
  bool full = false;          // `run --full`: a full pull even where an incremental one would do
  // When the run started: incremental pulls ask for changes since the last run's start.
  std::chrono::system_clock::time_point started = std::chrono::system_clock::now();
  // The insight job's way to Jira (made per configuration, daemon/generation); null for the
  // Qualys jobs, which never reach Jira.
  const InsightTools* insight = nullptr;
};

asio::awaitable<JobResult> run_assets_job(JobEnvironment& env);
asio::awaitable<JobResult> run_kb_job(JobEnvironment& env);
asio::awaitable<JobResult> run_vm_job(JobEnvironment& env);
asio::awaitable<JobResult> run_insight_job(JobEnvironment& env);  // jobs/insight_job.cpp

// The insight job's schedule, built from the insight section (it has no jobs.insight): its
// schedule and timeout, enabled when insight.mode is on, the other keys at their defaults, no
// shrink guard and no incremental pull (it publishes nothing).
config::JobSchedule insight_schedule(const config::Config& config);
bool insight_on(const config::Config& config);

// The table of jobs: the one list the CLI, `check`, `next`, status and the service read. A job
// need not pull from Qualys: a row only says what it is called, whether a configuration has it,
// what schedules it, and what runs it.
struct JobDefinition {
  JobKind kind;
  std::string_view name;  // on the command line, in logs, lock and base names
  // The Qualys jobs pull and publish files (incremental bases, the shrink guard, `convert`,
  // their jobs.<job> section); insight does none of that.
  bool pulls_from_qualys;
  bool (*configured)(const config::Config& config);  // whether this configuration has the job
  config::JobSchedule (*schedule)(const config::Config& config);  // jobs.<job> or insight
  asio::awaitable<JobResult> (*run)(JobEnvironment& env);
};

inline constexpr bool always(const config::Config&) {
  return true;
}

inline constexpr JobDefinition kJobs[] = {
    {JobKind::assets, "assets", true, always,
     [](const config::Config& config) -> config::JobSchedule { return config.jobs.assets; },
     run_assets_job},
    {JobKind::kb, "kb", true, always,
     [](const config::Config& config) -> config::JobSchedule { return config.jobs.kb; },
     run_kb_job},
    {JobKind::vm, "vm", true, always,
     [](const config::Config& config) -> config::JobSchedule { return config.jobs.vm; },
     run_vm_job},
    // Last: `run all` starts it once the others have finished.
    {JobKind::insight, "insight", false, insight_on, insight_schedule, run_insight_job},
};

// Every job's kind, in the table's order.
inline constexpr auto kAllJobs = [] {
  std::array<JobKind, std::size(kJobs)> kinds{};
  for (std::size_t i = 0; i < kinds.size(); ++i) kinds[i] = kJobs[i].kind;
  return kinds;
}();

// The jobs that pull from Qualys and publish files: assets, kb, vm.
inline constexpr auto kPullJobs = [] {
  std::array<JobKind, std::ranges::count(kJobs, true, &JobDefinition::pulls_from_qualys)> kinds{};
  std::size_t n = 0;
  for (const auto& job : kJobs) {
    if (job.pulls_from_qualys) kinds.at(n++) = job.kind;
  }
  return kinds;
}();

// The jobs `configuration` has, in the table's order: the Qualys jobs always, insight only with
// insight.mode on. Everything that lists jobs (scheduler, `run all`, `status`, `next`, `check`)
// lists these, so with insight off nothing shows a fourth job.
std::vector<JobKind> configured_jobs(const config::Config& configuration);
bool is_configured(const config::Config& configuration, JobKind kind);

const JobDefinition& job_definition(JobKind kind);
std::string_view job_name(JobKind kind);
std::optional<JobKind> job_from_name(std::string_view name);

// The jobs.<job> section (schedule, timeout, gates) of a job; insight_schedule for insight.
config::JobSchedule schedule_of(const config::Config& config, JobKind kind);

asio::awaitable<JobResult> run_job(JobKind kind, JobEnvironment& env);

}  // namespace qi::jobs
