// A parsed cron schedule (Vixie cron / cronie semantics, optional leading seconds field) and the
// question the scheduler asks of it: when does it fire next, in a given time zone? Immutable and
// cheap to copy; each job's config owns one. Syntax, the day-of-month/day-of-week rule and the
// daylight-saving policy are documented for operators in docs/scheduling.md.
#pragma once

#include <date/tz.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "schedule/cron_error.hpp"
#include "schedule/cron_field.hpp"

namespace qi::schedule {

class CronExpression {
 public:
  // 5 fields (minute hour day-of-month month day-of-week), 6 fields (a leading second), or one
  // of @yearly @annually @monthly @weekly @daily @midnight @hourly. Throws CronError.
  static CronExpression parse(std::string_view text);

  // The expression as written (surrounding whitespace removed).
  const std::string& text() const { return text_; }
  bool has_seconds() const { return has_seconds_; }

  // True when the minute and hour fields each select exactly one value (`30 2 * * *`). Such a
  // job runs once when its local time falls in a daylight-saving gap or repeat; every other job
  // follows the wall clock (see next_after).
  bool is_fixed_time() const { return minute_.count() == 1 && hour_.count() == 1; }

  // Why the expression can never fire ("0 0 30 2 *": no February has a 30th), or nullopt when
  // some date matches. Exact, not a search: see cron_search.cpp.
  std::optional<std::string> never_fires_reason() const;

  // The first firing strictly after `after`, with the fields read as wall-clock time in `tz`
  // (never null; pass date::current_zone() for the system zone). nullopt at once for an
  // expression that never fires, and when nothing fires within kSearchHorizon (only a firing
  // in a daylight-saving gap or past year 9000 can be that far away).
  //  - A wall time that occurs twice (the clock goes back) fires twice for ordinary jobs and
  //    only at its first occurrence for a fixed-time job.
  //  - A wall time that does not exist (the clock goes forward) is skipped by ordinary jobs;
  //    a fixed-time job fires once at the first instant after the gap instead.
  std::optional<std::chrono::sys_seconds> next_after(std::chrono::sys_seconds after,
                                                     const date::time_zone* tz) const;

  // The longest gap between two firings of an expression that fires at all is 40 years: Feb 29
  // on one weekday ("0 0 29 2 */7": 2088, then 2128, because 2100 is no leap year).
  static constexpr std::chrono::days kSearchHorizon{41 * 366};

 private:
  CronExpression() = default;

  // Within [from, to) of local time, the first wall time that matches every field.
  std::optional<date::local_seconds> first_match(date::local_seconds from,
                                                 date::local_seconds to) const;
  std::optional<std::chrono::seconds> first_time_of_day(int hour, int minute, int second) const;
  bool day_matches(const date::year_month_day& ymd, const date::weekday& wd) const;
  bool some_date_matches() const;

  std::string text_;
  bool has_seconds_ = false;
  bool fires_ = true;  // some_date_matches(), computed once by parse
  CronField second_;
  CronField minute_;
  CronField hour_;
  CronField day_of_month_;
  CronField month_;
  CronField day_of_week_;
};

}  // namespace qi::schedule
