// Fuzz target: a cron expression from config.yaml (CronExpression::parse), then next_after on
// success. Input: the expression up to the first '\n'; the bytes after it (if any) pick the
// instant to search from (anywhere from year 1 to past year 9000, the calendar bounds of
// cron_search.cpp) and the time zone (zones with DST gaps/repeats, a 30-minute DST shift and
// Samoa's skipped day). CronError (std::invalid_argument) is expected; anything else is a finding.
#include <date/tz.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "fuzz_input.hpp"
#include "schedule/cron_expression.hpp"

namespace {

constexpr const char* kZones[] = {
    "UTC",          "Europe/Berlin",   "America/New_York", "Pacific/Apia", "Australia/Lord_Howe",
    "Asia/Kolkata", "America/Santiago"};

[[noreturn]] void violated(const char* what) {
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = qi::fuzz::as_text(data, size);
  const std::size_t newline = input.find('\n');
  const std::string_view text = input.substr(0, newline);
  const std::string_view tail =
      newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);

  std::optional<qi::schedule::CronExpression> cron;
  try {
    cron = qi::schedule::CronExpression::parse(text);
  } catch (const std::invalid_argument&) {
    return 0;  // CronError: a rejected expression
  }

  std::uint64_t seed = 1469598103934665603ULL;  // FNV-1a over the tail
  for (const char c : tail) seed = (seed ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  // Year 1 (-62135596800) to about year 9100.
  constexpr std::int64_t kFirst = -62135596800;
  constexpr std::uint64_t kSpan = 349000000000ULL;
  const std::chrono::sys_seconds after{std::chrono::seconds{
      tail.empty() ? 1767225600 : kFirst + static_cast<std::int64_t>(seed % kSpan)}};
  const date::time_zone* tz = date::locate_zone(kZones[(seed >> 40) % std::size(kZones)]);

  const std::optional<std::chrono::sys_seconds> next = cron->next_after(after, tz);
  if (next) {
    if (*next <= after) violated("next_after did not move forward");
    const std::optional<std::chrono::sys_seconds> again = cron->next_after(*next, tz);
    if (again && *again <= *next) violated("second next_after did not move forward");
  }
  return 0;
}
