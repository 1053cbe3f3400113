// The daylight-saving policy (docs/scheduling.md), in real zones passed explicitly (no global
// TZ). America/New_York: 2026-03-08 02:00 EST -> 03:00 EDT (07:00 UTC), 2026-11-01 02:00 EDT
// -> 01:00 EST (06:00 UTC). Europe/Berlin: 2026-03-29 02:00 CET -> 03:00 CEST (01:00 UTC),
// 2026-10-25 03:00 CEST -> 02:00 CET (01:00 UTC).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "schedule/cron_expression.hpp"
#include "schedule/cron_test_support.hpp"

namespace qi::schedule {
namespace {

using test::show;
using test::utc;

const date::time_zone* new_york() {
  return date::locate_zone("America/New_York");
}
const date::time_zone* berlin() {
  return date::locate_zone("Europe/Berlin");
}

// The next `count` firings after `after`, as UTC text.
std::vector<std::string> firings(const char* expression, const char* after,
                                 const date::time_zone* zone, int count) {
  const CronExpression cron = CronExpression::parse(expression);
  std::vector<std::string> out;
  auto t = utc(after);
  for (int i = 0; i < count; ++i) {
    const auto next = cron.next_after(t, zone);
    out.push_back(show(next));
    if (!next) break;
    t = *next;
  }
  return out;
}

using Firings = std::vector<std::string>;

TEST(CronDst, TheZoneDatabaseIsAvailable) {
  ASSERT_NE(new_york(), nullptr);
  const auto info = new_york()->get_info(utc("2026-03-08 07:00:00"));
  EXPECT_EQ(info.begin, utc("2026-03-08 07:00:00"));
  EXPECT_EQ(info.abbrev, "EDT");
}

TEST(CronDst, FixedTimeJobInTheSpringGapRunsOnceAtTheEndOfTheGapInNewYork) {
  // 02:30 does not exist on 2026-03-08: run at 03:00 EDT, then 02:30 EDT the next day.
  EXPECT_EQ(firings("30 2 * * *", "2026-03-07 17:00:00", new_york(), 3),
            (Firings{"2026-03-08 07:00:00", "2026-03-09 06:30:00", "2026-03-10 06:30:00"}));
}

TEST(CronDst, FixedTimeJobWithSecondsInTheSpringGapRunsAtTheEndOfTheGap) {
  EXPECT_EQ(firings("15 30 2 * * *", "2026-03-07 17:00:00", new_york(), 2),
            (Firings{"2026-03-08 07:00:00", "2026-03-09 06:30:15"}));
}

TEST(CronDst, FixedTimeJobDoesNotRunTwiceWhenAskedAtTheEndOfTheGap) {
  EXPECT_EQ(firings("30 2 * * *", "2026-03-08 07:00:00", new_york(), 1),
            (Firings{"2026-03-09 06:30:00"}));
}

TEST(CronDst, WildcardJobSkipsWallTimesThatDoNotExistInNewYork) {
  // 00:30 EST, 01:30 EST, (02:30 does not exist), 03:30 EDT.
  EXPECT_EQ(firings("30 * * * *", "2026-03-08 05:00:00", new_york(), 3),
            (Firings{"2026-03-08 05:30:00", "2026-03-08 06:30:00", "2026-03-08 07:30:00"}));
}

TEST(CronDst, SteppedJobWithinTheMissingHourDoesNotRunThatDay) {
  EXPECT_EQ(firings("*/30 2 * * *", "2026-03-08 05:00:00", new_york(), 2),
            (Firings{"2026-03-09 06:00:00", "2026-03-09 06:30:00"}));
}

TEST(CronDst, MidnightJobFollowsTheLocalMidnightAcrossTheChange) {
  EXPECT_EQ(firings("@daily", "2026-03-07 04:00:00", new_york(), 3),
            (Firings{"2026-03-07 05:00:00", "2026-03-08 05:00:00", "2026-03-09 04:00:00"}));
}

TEST(CronDst, FixedTimeJobInTheRepeatedHourRunsOnlyAtTheFirstOccurrenceInNewYork) {
  // 01:30 EDT (05:30 UTC) runs; 01:30 EST (06:30 UTC) does not; then 01:30 EST next day.
  EXPECT_EQ(firings("30 1 * * *", "2026-11-01 04:00:00", new_york(), 2),
            (Firings{"2026-11-01 05:30:00", "2026-11-02 06:30:00"}));
}

TEST(CronDst, FixedTimeJobAskedDuringTheSecondOccurrenceWaitsForTheNextDay) {
  // 01:10 EST: 01:45 is still ahead on the wall clock but already ran at 01:45 EDT.
  EXPECT_EQ(firings("45 1 * * *", "2026-11-01 06:10:00", new_york(), 1),
            (Firings{"2026-11-02 06:45:00"}));
}

TEST(CronDst, WildcardJobRunsInBothOccurrencesOfTheRepeatedHourInNewYork) {
  EXPECT_EQ(firings("30 * * * *", "2026-11-01 04:00:00", new_york(), 4),
            (Firings{"2026-11-01 04:30:00", "2026-11-01 05:30:00", "2026-11-01 06:30:00",
                     "2026-11-01 07:30:00"}));
}

TEST(CronDst, MultiValueMinuteJobCountsAsWildcardInTheRepeatedHour) {
  // 01:00 EDT, 01:30 EDT, 01:00 EST, 01:30 EST.
  EXPECT_EQ(firings("0,30 1 * * *", "2026-11-01 04:00:00", new_york(), 5),
            (Firings{"2026-11-01 05:00:00", "2026-11-01 05:30:00", "2026-11-01 06:00:00",
                     "2026-11-01 06:30:00", "2026-11-02 06:00:00"}));
}

TEST(CronDst, WildcardJobAskedLateInTheFirstOccurrenceStillSeesTheEarlierSecondOne) {
  // At 01:50 EDT the wall clock's next :00 is 01:00 EST (02:00 EDT never shows).
  EXPECT_EQ(firings("*/20 * * * *", "2026-11-01 05:50:00", new_york(), 2),
            (Firings{"2026-11-01 06:00:00", "2026-11-01 06:20:00"}));
}

TEST(CronDst, FixedTimeJobInTheSpringGapRunsOnceAtTheEndOfTheGapInBerlin) {
  EXPECT_EQ(firings("30 2 * * *", "2026-03-28 12:00:00", berlin(), 2),
            (Firings{"2026-03-29 01:00:00", "2026-03-30 00:30:00"}));
}

TEST(CronDst, WildcardJobSkipsWallTimesThatDoNotExistInBerlin) {
  // 01:30 CET, (02:30 does not exist), 03:30 CEST.
  EXPECT_EQ(firings("30 * * * *", "2026-03-29 00:00:00", berlin(), 2),
            (Firings{"2026-03-29 00:30:00", "2026-03-29 01:30:00"}));
}

TEST(CronDst, FixedTimeJobInTheRepeatedHourRunsOnlyAtTheFirstOccurrenceInBerlin) {
  EXPECT_EQ(firings("30 2 * * *", "2026-10-24 12:00:00", berlin(), 2),
            (Firings{"2026-10-25 00:30:00", "2026-10-26 01:30:00"}));
}

TEST(CronDst, SteppedJobRunsInBothOccurrencesOfTheRepeatedHourInBerlin) {
  // 02:30 CEST, 02:00 CET, 02:30 CET, then 02:00 CET the next day.
  EXPECT_EQ(firings("*/30 2 * * *", "2026-10-25 00:00:00", berlin(), 4),
            (Firings{"2026-10-25 00:30:00", "2026-10-25 01:00:00", "2026-10-25 01:30:00",
                     "2026-10-26 01:00:00"}));
}

TEST(CronDst, UtcHasNeitherGapNorRepeat) {
  EXPECT_EQ(firings("30 2 * * *", "2026-03-08 00:00:00", date::locate_zone("UTC"), 2),
            (Firings{"2026-03-08 02:30:00", "2026-03-09 02:30:00"}));
  EXPECT_EQ(firings("30 1 * * *", "2026-11-01 00:00:00", date::locate_zone("Etc/UTC"), 2),
            (Firings{"2026-11-01 01:30:00", "2026-11-02 01:30:00"}));
}

TEST(CronDst, FixedTimeJobOnADayTheZoneSkippedEntirelyRunsOnceAfterTheGap) {
  // Pacific/Apia jumped from 2011-12-29 24:00 (-10) to 2011-12-31 00:00 (+14): the 30th
  // never happened. A job for noon on the 30th runs once, at the first instant after the gap.
  EXPECT_EQ(firings("0 12 30 12 *", "2011-12-29 00:00:00", date::locate_zone("Pacific/Apia"), 1),
            (Firings{"2011-12-30 10:00:00"}));
}

}  // namespace
}  // namespace qi::schedule
