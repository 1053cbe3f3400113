#include "qualys/iso_time.hpp"

#include <chrono>
#include <cstdio>

namespace qi::qualys {
namespace {

// `count` digits at `pos`, or nullopt.
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool is_at(std::string_view text, std::size_t pos, char c) {
  return pos < text.size() && text[pos] == c;
}

// The offset east of UTC in seconds from "Z", "+HH:MM", "+HHMM" (or "" for UTC) at `pos`, which
// must be the end of the text.
std::optional<int> offset_seconds(std::string_view text, std::size_t pos) {
  const std::string_view zone = text.substr(pos);
  if (zone.empty() || zone == "Z") return 0;
  if (zone[0] != '+' && zone[0] != '-') return std::nullopt;
  const bool colon = zone.size() == 6 && zone[3] == ':';
  if (zone.size() != 5 && !colon) return std::nullopt;
  const auto hours = digits(zone, 1, 2);
  const auto minutes = digits(zone, colon ? 4 : 3, 2);
  if (!hours || !minutes || *hours > 23 || *minutes > 59) return std::nullopt;
  const int offset = *hours * 3600 + *minutes * 60;
  return zone[0] == '-' ? -offset : offset;
}

}  // namespace

std::optional<std::int64_t> parse_iso_seconds(std::string_view text) {
  using namespace std::chrono;
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n' || text.front() == '\t' ||
                           text.front() == '\r')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\t' ||
                           text.back() == '\r')) {
    text.remove_suffix(1);
  }
  const auto y = digits(text, 0, 4);
  const auto mo = digits(text, 5, 2);
  const auto d = digits(text, 8, 2);
  if (!y || !mo || !d || !is_at(text, 4, '-') || !is_at(text, 7, '-')) return std::nullopt;
  const year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)},
                            day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  std::int64_t seconds = sys_seconds{sys_days{date}}.time_since_epoch().count();
  if (text.size() == 10) return seconds;
  const auto h = digits(text, 11, 2);
  const auto mi = digits(text, 14, 2);
  const auto s = digits(text, 17, 2);
  if (!is_at(text, 10, 'T') || !h || !mi || !s || !is_at(text, 13, ':') || !is_at(text, 16, ':') ||
      *h > 23 || *mi > 59 || *s > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  if (is_at(text, pos, '.')) {
    ++pos;
    const std::size_t first = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == first) return std::nullopt;
  }
  const auto offset = offset_seconds(text, pos);
  if (!offset) return std::nullopt;
  return seconds + *h * 3600 + *mi * 60 + *s - *offset;
}

std::string iso_from_seconds(std::int64_t seconds) {
  using namespace std::chrono;
  const sys_seconds tp{std::chrono::seconds{seconds}};
  const sys_days day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss<std::chrono::seconds> tod{tp - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.000Z", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                static_cast<int>(tod.seconds().count()));
  return buf;
}

}  // namespace qi::qualys
