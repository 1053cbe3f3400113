// CronExpression::next_after: the next firing of a cron expression in a time zone.
//
// The zone's timeline is walked one offset segment at a time (tz->get_info: an interval of
// UTC during which the UTC offset is constant). Within a segment local time and UTC map one to
// one, so the first matching wall time in the segment's local range is found field by field
// (month, day, hour, minute, second), never second by second. The daylight-saving policy
// falls out of where a segment's local range starts:
//  - the clock went back at the segment's start: its first local hour(s) repeat the end of the
//    previous segment. Ordinary jobs match them again (cron's "wildcard" jobs run in both
//    occurrences); a fixed-time job skips them, so it runs at the first occurrence only.
//  - the clock went forward: the local times between the two segments exist nowhere. Ordinary
//    jobs never match them; a fixed-time job that matches one runs once, at the segment's first
//    instant (02:30 on a US spring-forward day runs at 03:00 local).
//
// Whether an expression fires at all is decided without a search (some_date_matches), so an
// expression that never fires costs nothing, however often the scheduler asks.
#include <algorithm>
#include <array>

#include "schedule/cron_expression.hpp"

namespace qi::schedule {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_seconds;

// Outside these years the calendar arithmetic of date.h is not meaningful; nothing to schedule.
constexpr date::sys_days kEarliest = date::year{1} / 1 / 1;
constexpr date::sys_days kLatest = date::year{9000} / 1 / 1;

// Gaps and repeats are shorter than this (Samoa skipped a whole day in 2011); segments that
// began longer ago cannot have a gap or repeat that matters for the current search.
constexpr days kTransitionReach{2};

// The most days each month can have (February in a leap year), January first.
constexpr std::array<int, 12> kLongestMonth = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
constexpr std::array<const char*, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

std::string join_selected(const CronField& field, int first, int last, bool month_names) {
  std::string out;
  for (int value = first; value <= last; ++value) {
    if (!field.test(value)) continue;
    if (!out.empty()) out += ", ";
    out += month_names ? kMonthNames[static_cast<std::size_t>(value - 1)] : std::to_string(value);
  }
  return out;
}

}  // namespace

bool CronExpression::some_date_matches() const {
  // Neither day field starts with '*': a day matches when either does, and every month has
  // every weekday.
  if (!day_of_month_.starts_with_star && !day_of_week_.starts_with_star) return true;
  // Both must match. The Gregorian calendar repeats every 400 years (146097 days, a whole
  // number of weeks), and in one cycle every existing date, Feb 29 included, falls on every
  // weekday; so only a day of the month that no selected month has can rule out every day.
  for (int month = 1; month <= 12; ++month) {
    if (!month_.test(month)) continue;
    for (int day = 1; day <= kLongestMonth[static_cast<std::size_t>(month - 1)]; ++day) {
      if (day_of_month_.test(day)) return true;
    }
  }
  return false;
}

std::optional<std::string> CronExpression::never_fires_reason() const {
  if (fires_) return std::nullopt;
  return "never fires: no month it selects (" + join_selected(month_, 1, 12, true) +
         ") has a day it selects (" + join_selected(day_of_month_, 1, 31, false) + ")";
}

bool CronExpression::day_matches(const date::year_month_day& ymd, const date::weekday& wd) const {
  const bool dom = day_of_month_.test(static_cast<int>(static_cast<unsigned>(ymd.day())));
  const bool dow = day_of_week_.test(static_cast<int>(wd.c_encoding()));
  // cronie's rule: if either field starts with '*' both must match, otherwise either may.
  if (day_of_month_.starts_with_star || day_of_week_.starts_with_star) return dom && dow;
  return dom || dow;
}

std::optional<seconds> CronExpression::first_time_of_day(int hour, int minute, int second) const {
  for (int h = hour_.next_at_or_after(hour); h >= 0 && h < 24; h = hour_.next_at_or_after(h + 1)) {
    const int minute_from = h == hour ? minute : 0;
    for (int m = minute_.next_at_or_after(minute_from); m >= 0 && m < 60;
         m = minute_.next_at_or_after(m + 1)) {
      const int second_from = (h == hour && m == minute) ? second : 0;
      const int s = second_.next_at_or_after(second_from);
      if (s >= 0 && s < 60) return hours(h) + minutes(m) + seconds(s);
    }
  }
  return std::nullopt;
}

std::optional<date::local_seconds> CronExpression::first_match(date::local_seconds from,
                                                               date::local_seconds to) const {
  date::local_days day = std::chrono::floor<days>(from);
  seconds time_of_day = from - day;
  while (day < to) {
    const date::year_month_day ymd{day};
    const int month = static_cast<int>(static_cast<unsigned>(ymd.month()));
    if (!month_.test(month)) {
      const int next_month = month_.next_at_or_after(month + 1);
      const date::year_month next =
          next_month > 0 ? ymd.year() / date::month{static_cast<unsigned>(next_month)}
                         : (ymd.year() + date::years{1}) /
                               date::month{static_cast<unsigned>(month_.next_at_or_after(1))};
      day = date::local_days{next / 1};
      time_of_day = seconds{0};
      continue;
    }
    if (day_matches(ymd, date::weekday{day})) {
      const date::hh_mm_ss<seconds> hms{time_of_day};
      const std::optional<seconds> time = first_time_of_day(
          static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
          static_cast<int>(hms.seconds().count()));
      if (time) {
        const date::local_seconds candidate = day + *time;
        if (candidate >= to) return std::nullopt;
        return candidate;
      }
    }
    day += days{1};
    time_of_day = seconds{0};
  }
  return std::nullopt;
}

std::optional<sys_seconds> CronExpression::next_after(sys_seconds after,
                                                      const date::time_zone* tz) const {
  if (!fires_ || tz == nullptr || after < kEarliest || after >= kLatest) return std::nullopt;
  const sys_seconds deadline = after + kSearchHorizon;
  const bool fixed_time = is_fixed_time();

  sys_seconds t = after + seconds{1};
  while (t < deadline) {
    const date::sys_info segment = tz->get_info(t);
    const seconds offset = segment.offset;
    const sys_seconds segment_end = std::min(segment.end, deadline);
    date::local_seconds from{t.time_since_epoch() + offset};
    const date::local_seconds to{segment_end.time_since_epoch() + offset};

    if (fixed_time && segment.begin > t - kTransitionReach) {
      const date::sys_info previous = tz->get_info(segment.begin - seconds{1});
      // Local time at which the previous segment ended, and at which this one begins.
      const date::local_seconds previous_end{segment.begin.time_since_epoch() + previous.offset};
      const date::local_seconds begin{segment.begin.time_since_epoch() + offset};
      if (previous_end > begin) {
        from = std::max(from, previous_end);  // repeated wall times already had their turn
      } else if (previous_end < begin && t == segment.begin && first_match(previous_end, begin)) {
        return segment.begin;  // a wall time in the gap runs at the first instant after it
      }
    }

    if (from < to) {
      if (const std::optional<date::local_seconds> match = first_match(from, to)) {
        return sys_seconds{match->time_since_epoch() - offset};
      }
    }
    t = segment_end;
  }
  return std::nullopt;
}

}  // namespace qi::schedule
