#include "insight/retry_after.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <string>

namespace qi::insight {

using namespace std::chrono;

namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::optional<milliseconds> delay_seconds(std::string_view text) {
  long long number = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, number);
  if (ec != std::errc{} || ptr != end || number < 0) return std::nullopt;
  return seconds(number);
}

// IMF-fixdate only ("Sun, 06 Nov 1994 08:49:37 GMT"): RFC 9110 makes senders use it; the two
// obsolete forms are not worth a parser.
std::optional<system_clock::time_point> http_date(std::string_view text) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::string copy(text);
  std::array<char, 4> weekday{};
  std::array<char, 4> month{};
  std::array<char, 4> zone{};
  int day = 0;
  int year = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  // NOLINTNEXTLINE(cert-err34-c): every field is range-checked below
  if (std::sscanf(copy.c_str(), "%3s, %d %3s %d %d:%d:%d %3s", weekday.data(), &day, month.data(),
                  &year, &hour, &minute, &second, zone.data()) != 8 ||
      std::string_view(zone.data()) != "GMT") {
    return std::nullopt;
  }
  const auto found = std::find(kMonths.begin(), kMonths.end(), std::string_view(month.data()));
  if (found == kMonths.end() || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60 ||
      year < 1970) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = static_cast<int>(found - kMonths.begin());
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return system_clock::from_time_t(timegm(&tm));
}

}  // namespace

std::optional<milliseconds> parse_retry_after(std::string_view value,
                                              system_clock::time_point now) {
  const auto text = trimmed(value);
  if (text.empty()) return std::nullopt;
  if (auto wait = delay_seconds(text)) return wait;
  const auto date = http_date(text);
  if (!date) return std::nullopt;
  return std::max(milliseconds(0), duration_cast<milliseconds>(*date - now));
}

}  // namespace qi::insight
