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

namespace qi::state {

using Time = std::chrono::sys_seconds;

struct FileFigures {
  std::string name;
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
};

// A cross-file check of the output (e.g. detections whose QID is missing from vulnkb.csv).
struct ReferenceFigures {
  std::uint64_t count = 0;
  std::vector<std::string> first;
};

struct JobState {
  std::optional<Time> last_scheduled;  // scheduled time of the newest run started by the daemon
  std::string run_id;
  std::optional<Time> started;
  std::optional<Time> finished;
  std::string result;  // "running", "succeeded", "failed", "timed out", "cancelled"
  std::string error;
  std::vector<FileFigures> files;
  std::uint64_t api_calls = 0;
  std::uint64_t api_bytes = 0;
  std::optional<Time> last_success;
  std::optional<Time> next_firing;
  std::map<std::string, ReferenceFigures> references;  // after the last successful run
};

struct DaemonState {
  std::map<std::string, JobState> jobs;
};

std::string format_time(Time time);
std::optional<Time> parse_time(std::string_view text);

// A missing file gives an empty state; an unreadable or corrupt one throws qi::FatalError.
DaemonState read_state(const std::filesystem::path& file);
void write_state(const std::filesystem::path& file, const DaemonState& state);

// The human-readable form printed by `qualys-insightd status`.
std::string describe_state(const DaemonState& state);

}  // namespace qi::state
