#include "config/duration.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace qi::config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(Duration, ParsesEachUnit) {
  EXPECT_EQ(parse_duration("50m"), minutes(50));
  EXPECT_EQ(parse_duration("90s"), seconds(90));
  EXPECT_EQ(parse_duration("500ms"), milliseconds(500));
  EXPECT_EQ(parse_duration("2h"), hours(2));
  EXPECT_EQ(parse_duration("1d"), hours(24));
}

TEST(Duration, ParsesCombinedUnits) {
  EXPECT_EQ(parse_duration("1h30m"), minutes(90));
  EXPECT_EQ(parse_duration("1d2h3m4s5ms"), hours(26) + minutes(3) + seconds(4) + milliseconds(5));
}

TEST(Duration, ReadsABareIntegerAsSeconds) {
  EXPECT_EQ(parse_duration("3000"), seconds(3000));
}

TEST(Duration, RejectsMalformedText) {
  for (const char* bad : {"", "m", "5x", "1.5h", "-5m", " 5m", "5m ", "30m1h", "1m1m", "1h30",
                          "5 m", "99999999999999999999s"}) {
    EXPECT_THROW(parse_duration(bad), std::invalid_argument) << bad;
  }
}

TEST(Duration, ExplainsTheUnitsInItsError) {
  try {
    parse_duration("5x");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("unknown unit"), std::string::npos) << e.what();
  }
}

TEST(Duration, RejectsOverflow) {
  EXPECT_THROW(parse_duration("9223372036854775807d"), std::invalid_argument);
}

TEST(Duration, FormatsCanonically) {
  EXPECT_EQ(format_duration(minutes(90)), "1h30m");
  EXPECT_EQ(format_duration(milliseconds(500)), "500ms");
  EXPECT_EQ(format_duration(milliseconds(0)), "0s");
  EXPECT_EQ(format_duration(hours(26)), "1d2h");
}

TEST(Duration, FormatRoundTripsThroughParse) {
  for (auto d : {milliseconds(1), milliseconds(61'001), milliseconds(90'061'001)}) {
    EXPECT_EQ(parse_duration(format_duration(d)), d);
  }
}

}  // namespace
}  // namespace qi::config
