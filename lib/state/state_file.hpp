// <state.dir>/state.json: what each job did last and when it runs next. Replaced atomically
// (temp file, fsync, rename), read back at start for catch-up and by `qualys-insightd status`.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "output/manifest.hpp"

namespace qi::state {

using Time = std::chrono::sys_seconds;

// What a job's latest run came to; jobs::RunStatus is this enum (a finished run never is
// `running`). state.json spells it as run_result_name() says.
enum class RunResult {
  never_run,
  running,
  succeeded,
  published_state_not_saved,
  failed,
  timed_out,
  cancelled
};

// "" (never_run), "running", "succeeded", "published, state not saved", "failed", "timed out",
// "cancelled".
std::string_view run_result_name(RunResult result);
// The result run_result_name() spells as `name`; never_run for any other text.
RunResult run_result_from_name(std::string_view name);

struct JobState {
  std::optional<Time> last_scheduled;  // scheduled time of the newest run started by the daemon
  std::string run_id;
  std::optional<Time> started;
  std::optional<Time> finished;
  RunResult result = RunResult::never_run;
  std::string error;
  std::vector<output::PublishedFile> files;
  std::uint64_t api_calls = 0;
  std::uint64_t api_bytes = 0;
  std::optional<Time> last_success;
  std::optional<Time> next_firing;
  std::map<std::string, output::ReferenceCheck> references;  // after the last successful run
};

struct DaemonState {
  std::map<std::string, JobState> jobs;
};

std::string format_time(Time time);
// The wall clock now, as format_time writes it: when a record was written, for people reading it.
std::string now_text();
std::optional<Time> parse_time(std::string_view text);

// A missing file gives an empty state; an unreadable or corrupt one throws qi::FatalError.
DaemonState read_state(const std::filesystem::path& file);
void write_state(const std::filesystem::path& file, const DaemonState& state);

// The human-readable form printed by `qualys-insightd status`.
std::string describe_state(const DaemonState& state);

}  // namespace qi::state
