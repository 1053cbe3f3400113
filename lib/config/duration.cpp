#include "config/duration.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace qi::config {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t millis;
};

// Largest first: a duration lists its units in this order, each at most once.
constexpr std::array<Unit, 5> kUnits{{
    {"d", 86'400'000},
    {"h", 3'600'000},
    {"m", 60'000},
    {"s", 1'000},
    {"ms", 1},
}};

constexpr std::string_view kSyntax =
    "expected a duration such as 50m, 90s, 1h30m, 500ms, 1d or a whole number of seconds";

[[noreturn]] void fail(std::string_view text, std::string_view why) {
  std::string reason = "invalid duration \"";
  reason.append(text.substr(0, 40));
  reason += "\": ";
  reason += why;
  throw std::invalid_argument(reason);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::int64_t checked_add_mul(std::string_view text, std::int64_t total, std::int64_t value,
                             std::int64_t unit) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  if (value > (kMax - total) / unit) fail(text, "too large");
  return total + value * unit;
}

}  // namespace

Duration parse_duration(std::string_view text) {
  if (text.empty()) fail(text, kSyntax);
  std::size_t pos = 0;
  std::int64_t total = 0;
  std::size_t next_unit = 0;  // index into kUnits of the smallest unit still allowed
  bool bare_number = true;
  while (pos < text.size()) {
    std::size_t start = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos == start) fail(text, kSyntax);
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data() + start, text.data() + pos, value);
    if (ec != std::errc{} || end != text.data() + pos) fail(text, "number too large");
    if (pos == text.size()) {
      if (!bare_number) fail(text, "missing unit after the last number");
      return Duration(checked_add_mul(text, 0, value, 1000));
    }
    bare_number = false;
    std::size_t unit_start = pos;
    while (pos < text.size() && !is_digit(text[pos])) ++pos;
    std::string_view suffix = text.substr(unit_start, pos - unit_start);
    std::size_t found = kUnits.size();
    for (std::size_t i = 0; i < kUnits.size(); ++i) {
      if (kUnits[i].suffix == suffix) found = i;
    }
    if (found == kUnits.size()) fail(text, "unknown unit (use d, h, m, s or ms)");
    if (found < next_unit) fail(text, "units must go from largest to smallest, each once");
    next_unit = found + 1;
    total = checked_add_mul(text, total, value, kUnits[found].millis);
  }
  return Duration(total);
}

std::string format_duration(Duration duration) {
  std::int64_t rest = duration.count();
  if (rest == 0) return "0s";
  std::string out;
  if (rest < 0) {
    out += '-';
    rest = -rest;
  }
  for (const Unit& unit : kUnits) {
    if (rest >= unit.millis) {
      out += std::to_string(rest / unit.millis);
      out += unit.suffix;
      rest %= unit.millis;
    }
  }
  return out;
}

}  // namespace qi::config
