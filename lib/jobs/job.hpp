// The jobs (assets, kb, vm; the table kJobs): each pulls from Qualys, streams rows into temp files
// and publishes them atomically. A job either publishes all of its files or none (the previous
// outputs stay byte-identical).
#pragma once

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
enum class JobKind { assets, kb, vm };

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
};

asio::awaitable<JobResult> run_assets_job(JobEnvironment& env);
asio::awaitable<JobResult> run_kb_job(JobEnvironment& env);
asio::awaitable<JobResult> run_vm_job(JobEnvironment& env);

// The table of jobs: the one list the CLI, `check`, `next`, status and the service read. A job
// need not pull from Qualys: a row only says what it is called, which jobs.<job> section
// configures it, and what runs it.
struct JobDefinition {
  JobKind kind;
  std::string_view name;  // on the command line, in logs, lock and base names
  const config::JobSchedule& (*schedule)(const config::Config& config);  // its jobs.<job> section
  asio::awaitable<JobResult> (*run)(JobEnvironment& env);
};

inline constexpr JobDefinition kJobs[] = {
    {JobKind::assets, "assets",
     [](const config::Config& config) -> const config::JobSchedule& { return config.jobs.assets; },
     run_assets_job},
    {JobKind::kb, "kb",
     [](const config::Config& config) -> const config::JobSchedule& { return config.jobs.kb; },
     run_kb_job},
    {JobKind::vm, "vm",
     [](const config::Config& config) -> const config::JobSchedule& { return config.jobs.vm; },
     run_vm_job},
};

// Every job's kind, in the table's order.
inline constexpr auto kAllJobs = [] {
  std::array<JobKind, std::size(kJobs)> kinds{};
  for (std::size_t i = 0; i < kinds.size(); ++i) kinds[i] = kJobs[i].kind;
  return kinds;
}();

const JobDefinition& job_definition(JobKind kind);
std::string_view job_name(JobKind kind);
std::optional<JobKind> job_from_name(std::string_view name);

// The jobs.<job> section (schedule, timeout, gates) of a job.
const config::JobSchedule& schedule_of(const config::Config& config, JobKind kind);

asio::awaitable<JobResult> run_job(JobKind kind, JobEnvironment& env);

}  // namespace qi::jobs
