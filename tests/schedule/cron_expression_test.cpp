// The next firing of expressions in UTC, worked out by hand from cron(5): each row says what the
// expression means and why the expected instant is the next one. 2026-01-01 is a Thursday.
#include "schedule/cron_expression.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "schedule/cron_test_support.hpp"

namespace qi::schedule {
namespace {

using test::show;
using test::utc;

struct Row {
  const char* expression;
  const char* after;     // UTC
  const char* expected;  // UTC, or "none"
  const char* why;
};

// Shown by GoogleTest when a row fails, instead of the struct's bytes.
void PrintTo(const Row& row, std::ostream* out) {
  *out << "'" << row.expression << "' after " << row.after;
}

const std::vector<Row>& table() {
  static const std::vector<Row> rows = {
      // Plain values, lists, ranges, steps.
      {"* * * * *", "2026-01-01 00:00:00", "2026-01-01 00:01:00", "strictly after: not 00:00"},
      {"* * * * *", "2026-01-01 00:00:30", "2026-01-01 00:01:00", "5 fields fire at second 0"},
      {"0 * * * *", "2026-01-01 00:00:00", "2026-01-01 01:00:00", "top of the next hour"},
      {"30 2 * * *", "2026-01-01 02:29:59", "2026-01-01 02:30:00", "later the same day"},
      {"30 2 * * *", "2026-01-01 02:30:00", "2026-01-02 02:30:00", "the next day"},
      {"05 01 * * *", "2026-01-01 00:00:00", "2026-01-01 01:05:00", "leading zeros are numbers"},
      {"5,10,45 * * * *", "2026-01-01 00:10:00", "2026-01-01 00:45:00", "list"},
      {"10-12 * * * *", "2026-01-01 00:12:00", "2026-01-01 01:10:00", "range end wraps the hour"},
      {"*/15 * * * *", "2026-01-01 00:14:00", "2026-01-01 00:15:00", "*/15 = 0,15,30,45"},
      {"*/15 * * * *", "2026-01-01 00:45:00", "2026-01-01 01:00:00", "step restarts each hour"},
      {"1-31/10 * * * *", "2026-01-01 00:31:00", "2026-01-01 01:01:00", "1,11,21,31"},
      {"5/20 * * * *", "2026-01-01 00:45:00", "2026-01-01 01:05:00", "5/20 = 5-59/20 = 5,25,45"},
      {"0 */6 * * *", "2026-01-01 13:00:00", "2026-01-01 18:00:00", "hours 0,6,12,18"},
      {"0 9-17/4 * * *", "2026-01-01 10:00:00", "2026-01-01 13:00:00", "hours 9,13,17"},
      {"0 9-17/4 * * *", "2026-01-01 17:00:00", "2026-01-02 09:00:00", "after 17 comes 9"},
      {"0 0 1,15 * *", "2026-01-01 00:00:00", "2026-01-15 00:00:00", "day list"},
      // Weekday and month names, 0 and 7 for Sunday.
      {"15 10 * * mon-fri", "2026-01-03 00:00:00", "2026-01-05 10:15:00", "Sat -> Mon"},
      {"15 10 * * MON-FRI", "2026-01-02 10:15:00", "2026-01-05 10:15:00", "names ignore case"},
      {"0 0 * * 1-5", "2026-01-02 00:00:00", "2026-01-05 00:00:00", "Fri -> Mon"},
      {"0 12 * * 1,3,5", "2026-01-05 12:00:00", "2026-01-07 12:00:00", "Mon -> Wed"},
      {"0 0 * * 0", "2026-01-01 00:00:00", "2026-01-04 00:00:00", "0 is Sunday"},
      {"0 0 * * 7", "2026-01-01 00:00:00", "2026-01-04 00:00:00", "7 is Sunday too"},
      {"0 0 * * sun", "2026-01-01 00:00:00", "2026-01-04 00:00:00", "sun is Sunday"},
      {"0 0 * * 5-7", "2026-01-03 00:00:00", "2026-01-04 00:00:00", "Fri-Sun through 7"},
      {"0 12 * * fri-7", "2026-01-04 12:00:00", "2026-01-09 12:00:00", "name-number range"},
      {"0 0 1 jan *", "2026-01-01 00:00:00", "2027-01-01 00:00:00", "month name, next year"},
      {"0 0 1 jun-aug *", "2026-01-15 00:00:00", "2026-06-01 00:00:00", "month range"},
      {"0 0 1 feb,DEC *", "2026-02-01 00:00:00", "2026-12-01 00:00:00", "month list"},
      // Month ends and leap years.
      {"0 0 31 * *", "2026-01-31 00:00:00", "2026-03-31 00:00:00", "February has no 31st"},
      {"0 0 31 * *", "2026-03-31 00:00:00", "2026-05-31 00:00:00", "April has no 31st"},
      {"0 0 30 * *", "2026-01-30 00:00:00", "2026-03-30 00:00:00", "nor a 30th in February"},
      {"59 23 31 12 *", "2026-12-31 23:59:00", "2027-12-31 23:59:00", "last minute of a year"},
      {"0 0 29 2 *", "2026-01-01 00:00:00", "2028-02-29 00:00:00", "next leap day"},
      {"0 0 29 2 *", "2028-02-29 00:00:00", "2032-02-29 00:00:00", "four years on"},
      {"59 23 28,29 2 *", "2027-02-28 23:59:00", "2028-02-28 23:59:00", "2027 is no leap year"},
      {"59 23 28,29 2 *", "2028-02-28 23:59:00", "2028-02-29 23:59:00", "2028 is one"},
      {"0 0 30 2 *", "2026-01-01 00:00:00", "none", "February 30th never comes"},
      {"0 0 31 4,6,9,11 *", "2026-01-01 00:00:00", "none", "30-day months have no 31st"},
      {"0 0 29 2 */7", "2026-01-01 00:00:00", "2032-02-29 00:00:00", "leap day on a Sunday"},
      {"0 0 29 2 */7", "2032-02-29 00:00:00", "2060-02-29 00:00:00", "28 years on"},
      {"0 0 29 2 */7", "2088-02-29 00:00:00", "2128-02-29 00:00:00", "40 years: 2100 no leap"},
      // Nicknames.
      {"@yearly", "2026-03-01 00:00:00", "2027-01-01 00:00:00", "0 0 1 1 *"},
      {"@annually", "2026-12-31 23:59:59", "2027-01-01 00:00:00", "same as @yearly"},
      {"@monthly", "2026-01-31 12:00:00", "2026-02-01 00:00:00", "0 0 1 * *"},
      {"@weekly", "2026-01-04 00:00:00", "2026-01-11 00:00:00", "0 0 * * 0, Sunday"},
      {"@daily", "2026-01-01 00:00:00", "2026-01-02 00:00:00", "0 0 * * *"},
      {"@midnight", "2026-12-31 23:00:00", "2027-01-01 00:00:00", "same as @daily"},
      {"@hourly", "2026-01-01 00:59:59", "2026-01-01 01:00:00", "0 * * * *"},
      // Day-of-month / day-of-week: both restricted -> either matches.
      {"0 0 13 * 5", "2026-01-01 00:00:00", "2026-01-02 00:00:00", "a Friday before the 13th"},
      {"0 0 13 * 5", "2026-01-09 00:00:00", "2026-01-13 00:00:00", "the 13th (a Tuesday)"},
      {"0 0 1 * mon", "2026-01-26 00:00:00", "2026-02-01 00:00:00", "the 1st, a Sunday"},
      // One of them starts with '*' -> both must match.
      {"0 0 * * mon", "2026-01-31 00:00:00", "2026-02-02 00:00:00", "dom * : Mondays only"},
      {"0 0 */2 * 1", "2026-01-06 00:00:00", "2026-01-19 00:00:00", "odd day AND Monday"},
      {"0 0 */2 * 1", "2026-01-11 00:00:00", "2026-01-19 00:00:00", "Jan 12 is even: skipped"},
      {"0 0 1-31/2 * 1", "2026-01-11 00:00:00", "2026-01-12 00:00:00", "odd OR Monday: Jan 12"},
      {"0 0 1-31/2 * 1", "2026-01-05 00:00:00", "2026-01-07 00:00:00", "Jan 7 is odd"},
      {"0 0 *,15 * mon", "2026-01-13 00:00:00", "2026-01-19 00:00:00", "'*,15' starts with *"},
      {"0 0 15 * */2", "2026-01-15 00:00:00", "2026-02-15 00:00:00", "15th AND Sun/Tue/Thu/Sat"},
      // Six fields: a leading seconds field.
      {"*/10 * * * * *", "2026-01-01 00:00:05", "2026-01-01 00:00:10", "every 10 seconds"},
      {"15,45 * * * * *", "2026-01-01 00:00:45", "2026-01-01 00:01:15", "next minute"},
      {"5/20 * * * * *", "2026-01-01 00:00:45", "2026-01-01 00:01:05", "5,25,45"},
      {"30 0 12 * * *", "2026-01-01 12:00:30", "2026-01-02 12:00:30", "12:00:30 daily"},
      {"0 0 0 1 1 *", "2026-06-01 00:00:00", "2027-01-01 00:00:00", "New Year"},
      {"0 0 0 1 JaN *", "2026-02-01 00:00:00", "2027-01-01 00:00:00", "mixed-case name"},
      {"59 59 23 31 12 *", "2026-12-31 23:59:58", "2026-12-31 23:59:59", "last second"},
  };
  return rows;
}

class CronTable : public ::testing::TestWithParam<Row> {};

TEST_P(CronTable, NextFiringInUtcIsTheOneCron5Describes) {
  const Row& row = GetParam();
  SCOPED_TRACE(std::string(row.expression) + " after " + row.after + " (" + row.why + ")");
  const CronExpression expression = CronExpression::parse(row.expression);
  const auto next = expression.next_after(utc(row.after), date::locate_zone("UTC"));
  EXPECT_EQ(show(next), row.expected);
}

INSTANTIATE_TEST_SUITE_P(Cron5, CronTable, ::testing::ValuesIn(table()));

TEST(CronExpression, KeepsTheTextAsWrittenWithoutSurroundingBlanks) {
  EXPECT_EQ(CronExpression::parse("  0 3 * * *\t").text(), "0 3 * * *");
  EXPECT_EQ(CronExpression::parse("@daily").text(), "@daily");
}

TEST(CronExpression, HasSecondsOnlyWithSixFields) {
  EXPECT_FALSE(CronExpression::parse("0 3 * * *").has_seconds());
  EXPECT_TRUE(CronExpression::parse("0 0 3 * * *").has_seconds());
  EXPECT_FALSE(CronExpression::parse("@hourly").has_seconds());
}

TEST(CronExpression, AcceptsTabsAndRepeatedBlanksBetweenFields) {
  const auto next = CronExpression::parse("0\t3   *  * *")
                        .next_after(utc("2026-01-01 00:00:00"), date::locate_zone("UTC"));
  EXPECT_EQ(show(next), "2026-01-01 03:00:00");
}

TEST(CronExpression, IsFixedTimeOnlyWhenMinuteAndHourEachSelectOneValue) {
  EXPECT_TRUE(CronExpression::parse("30 2 * * *").is_fixed_time());
  EXPECT_TRUE(CronExpression::parse("@daily").is_fixed_time());
  EXPECT_TRUE(CronExpression::parse("*/10 30 2 * * *").is_fixed_time());
  EXPECT_FALSE(CronExpression::parse("0,30 2 * * *").is_fixed_time());
  EXPECT_FALSE(CronExpression::parse("*/15 2 * * *").is_fixed_time());
  EXPECT_FALSE(CronExpression::parse("0 1-3 * * *").is_fixed_time());
  EXPECT_FALSE(CronExpression::parse("@hourly").is_fixed_time());
}

TEST(CronExpression, FindsTheLeapDayAcrossTheNonLeapYear2100) {
  const auto next = CronExpression::parse("0 0 29 2 *")
                        .next_after(utc("2096-03-01 00:00:00"), date::locate_zone("UTC"));
  EXPECT_EQ(show(next), "2104-02-29 00:00:00");
}

TEST(CronExpression, ComputesEachNextFiringWellUnderAMillisecond) {
  const date::time_zone* zone = date::locate_zone("America/New_York");
  const std::vector<CronExpression> expressions = {
      CronExpression::parse("0 0 30 2 *"),     // never: answered without a search
      CronExpression::parse("0 0 */29 2 1"),   // rare: Feb 1 on a Monday
      CronExpression::parse("0 0 29 2 */7"),   // rarest: Feb 29 on a Sunday, up to 40 years
      CronExpression::parse("*/3 * * * * *"),  // every 3 seconds
      CronExpression::parse("30 2 * * *"),     // fixed time across DST
      CronExpression::parse("0 0 1-31/2 * mon")};
  constexpr int kCalls = 200;
  const auto start = std::chrono::steady_clock::now();
  for (const CronExpression& expression : expressions) {
    auto t = utc("2026-01-01 00:00:00");
    for (int i = 0; i < kCalls; ++i) {
      const auto next = expression.next_after(t, zone);
      if (next) t = *next;
    }
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const auto per_call = elapsed / (kCalls * static_cast<int>(expressions.size()));
  // Generous enough for a Debug build under sanitizers on a busy machine.
  EXPECT_LT(per_call, std::chrono::milliseconds(1));
}

}  // namespace
}  // namespace qi::schedule
