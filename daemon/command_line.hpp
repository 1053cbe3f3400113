// argv → what to do. Hand-written: the grammar is tiny, and Boost.ProgramOptions would be one
// more compiled dependency for five flags.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace qi::daemon {

// Exit codes (docs/operator-guide.md, "Exit codes").
inline constexpr int kExitOk = 0;
inline constexpr int kExitJobFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitConfig = 3;
inline constexpr int kExitInterrupted = 4;
inline constexpr int kExitStateNotSaved = 5;  // published, but a state.dir record was not saved
inline constexpr int kExitAttention = 6;  // status: a job's last run failed, or a job is overdue

enum class Command { daemon, run, check, next, status, convert, help, version };

struct CommandLine {
  Command command = Command::daemon;
  std::filesystem::path config = "/etc/qualys-insight/config.yaml";
  bool config_given = false;      // --config on the command line (convert reads a config only then)
  std::vector<std::string> jobs;  // run: assets, kb, vm, insight in this order (all expanded)
  bool all = false;               // run all: insight too, when the configuration has it
  bool force = false;             // run --force: skip the shrink guard and the count check once
  bool full = false;              // run --full: no incremental pull
  int count = 5;                  // next --count
  bool json = false;              // status --json
  bool online = false;            // check --online: reach Jira with the insight credentials
  std::string convert_kind;       // convert: kb, vm, assets
  std::vector<std::filesystem::path> inputs;
  std::filesystem::path output;
};

// Throws std::invalid_argument with a message for the user on bad usage.
CommandLine parse_command_line(int argc, const char* const argv[]);

std::string usage_text();

}  // namespace qi::daemon
