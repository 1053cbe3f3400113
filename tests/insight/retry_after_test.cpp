#include "insight/retry_after.hpp"

#include <gtest/gtest.h>

namespace qi::insight {
namespace {

using namespace std::chrono;

// Wed, 21 Oct 2026 07:28:00 GMT
const system_clock::time_point kNow = sys_days{year{2026} / October / 21} + 7h + 28min;

TEST(RetryAfter, ReadsDelaySeconds) {
  EXPECT_EQ(parse_retry_after("30", kNow), seconds(30));
  EXPECT_EQ(parse_retry_after(" 0 ", kNow), seconds(0));
}

TEST(RetryAfter, ReadsAnHttpDateAsTheTimeFromNow) {
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2026 07:28:45 GMT", kNow), seconds(45));
  EXPECT_EQ(parse_retry_after("Thu, 22 Oct 2026 07:28:00 GMT", kNow), hours(24));
}

TEST(RetryAfter, ADateInThePastMeansNoWait) {
  EXPECT_EQ(parse_retry_after("Tue, 20 Oct 2026 07:28:00 GMT", kNow), milliseconds(0));
}

TEST(RetryAfter, RefusesWhatIsNeitherForm) {
  EXPECT_EQ(parse_retry_after("", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("-5", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("30s", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("Wed, 21 Foo 2026 07:28:45 GMT", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2026 07:28:45 CET", kNow), std::nullopt);
}

}  // namespace
}  // namespace qi::insight
