// Logging with structured fields. Messages go through spdlog's default logger (set up by the
// daemon: plain lines on stderr, or journald); the fields travel beside the message to sinks that
// can store them (the journald sink turns them into JOB=, RUN_ID=, PAGE=, ... journal fields).
#pragma once

#include <spdlog/spdlog.h>

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace qi::log {

struct Field {
  std::string_view name;  // journal field name: upper case, e.g. "JOB", "RUN_ID", "ROWS"
  std::string value;
};

// Stable MESSAGE_IDs (journalctl MESSAGE_ID=...) for the events operators filter on.
inline constexpr std::string_view kRunStarted = "6f1c3f2a8f0b4a1e9a3f0c7d5e2b4a10";
inline constexpr std::string_view kRunSucceeded = "6f1c3f2a8f0b4a1e9a3f0c7d5e2b4a11";
inline constexpr std::string_view kRunFailed = "6f1c3f2a8f0b4a1e9a3f0c7d5e2b4a12";
inline constexpr std::string_view kRunProgress = "6f1c3f2a8f0b4a1e9a3f0c7d5e2b4a13";

// Logs `message` at `level` with `fields`. While the call runs, current_fields() returns them to
// the sinks (sinks run synchronously inside the call).
void write(spdlog::level::level_enum level, std::string_view message,
           std::initializer_list<Field> fields = {});

inline void info(std::string_view message, std::initializer_list<Field> fields = {}) {
  write(spdlog::level::info, message, fields);
}
inline void warn(std::string_view message, std::initializer_list<Field> fields = {}) {
  write(spdlog::level::warn, message, fields);
}
inline void error(std::string_view message, std::initializer_list<Field> fields = {}) {
  write(spdlog::level::err, message, fields);
}

// The fields of the message being written right now (empty outside write()).
std::span<const Field> current_fields();

}  // namespace qi::log
