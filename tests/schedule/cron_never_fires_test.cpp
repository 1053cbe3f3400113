// Expressions that can never fire: decided exactly from the month and day fields, with the reason
// `check` and `next` print (docs/scheduling.md, "Expressions that never fire").
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "schedule/cron_expression.hpp"
#include "schedule/cron_test_support.hpp"

namespace qi::schedule {
namespace {

std::optional<std::string> reason_of(const char* expression) {
  return CronExpression::parse(expression).never_fires_reason();
}

TEST(CronNeverFires, NamesTheMonthsAndTheDaysThatNeverMeet) {
  EXPECT_EQ(reason_of("0 0 30 2 *"),
            "never fires: no month it selects (February) has a day it selects (30)");
  EXPECT_EQ(reason_of("0 0 31 4,6,9,11 *"),
            "never fires: no month it selects (April, June, September, November) has a day it "
            "selects (31)");
  EXPECT_EQ(reason_of("0 0 0 30-31 feb *"),
            "never fires: no month it selects (February) has a day it selects (30, 31)");
}

TEST(CronNeverFires, ReadsADayOfWeekStartingWithAStarAsRestrictingBothDayFields) {
  // '*/7' selects Sunday only but starts with '*': the 30th AND a Sunday, in February.
  EXPECT_TRUE(reason_of("0 0 30 2 */7"));
}

TEST(CronNeverFires, FindsNoReasonWhenSomeDayCanMatch) {
  for (const char* expression :
       {"0 0 29 2 *",    // every leap year
        "0 0 29 2 */7",  // a leap day on a Sunday: every 28 to 40 years
        "0 0 30 2 mon",  // neither day field starts with '*': every Monday of February
        "0 0 30,31 2,3 *", "0 0 31 * *", "@yearly", "* * * * * *"}) {
    EXPECT_EQ(reason_of(expression), std::nullopt) << expression;
  }
}

TEST(CronNeverFires, HasNoNextFiringAnywhereInTheCalendar) {
  const CronExpression never = CronExpression::parse("0 0 30 2 *");
  for (const char* after : {"2026-01-01 00:00:00", "0001-01-01 00:00:00", "8999-12-31 00:00:00"}) {
    EXPECT_EQ(never.next_after(test::utc(after), date::locate_zone("Europe/Berlin")), std::nullopt)
        << after;
  }
}

}  // namespace
}  // namespace qi::schedule
