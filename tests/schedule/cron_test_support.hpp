// Helpers for the cron tests: readable UTC instants in and out, so table rows and failure
// messages read like "2026-03-08 07:00:00" rather than epoch seconds.
#pragma once

#include <date/date.h>

#include <chrono>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace qi::schedule::test {

// "YYYY-MM-DD HH:MM:SS", read as UTC.
inline std::chrono::sys_seconds utc(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::chrono::sys_seconds out;
  in >> date::parse("%Y-%m-%d %H:%M:%S", out);
  if (in.fail()) throw std::invalid_argument("bad test time: " + std::string(text));
  return out;
}

inline std::string show(std::optional<std::chrono::sys_seconds> t) {
  return t ? date::format("%Y-%m-%d %H:%M:%S", *t) : std::string("none");
}

}  // namespace qi::schedule::test
