// Invalid expressions: each error names the field (0-based index as written, and its name) and
// the offending token, so an operator can fix the config line without guessing.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "schedule/cron_expression.hpp"

namespace qi::schedule {
namespace {

struct Rejection {
  int field_index = -1;
  std::string message;
};

Rejection rejection_of(const std::string& text) {
  try {
    CronExpression::parse(text);
  } catch (const CronError& error) {
    return {error.field_index(), error.what()};
  }
  ADD_FAILURE() << "'" << text << "' was accepted";
  return {};
}

void expect_rejected(const std::string& text, int field_index, const std::string& fragment) {
  SCOPED_TRACE(text);
  const Rejection rejection = rejection_of(text);
  EXPECT_EQ(rejection.field_index, field_index);
  EXPECT_NE(rejection.message.find(fragment), std::string::npos) << rejection.message;
}

TEST(CronParseError, NamesTheFieldTheTokenAndTheAllowedRange) {
  const Rejection rejection = rejection_of("0 0 0 32 * *");
  EXPECT_EQ(rejection.field_index, 3);
  EXPECT_EQ(rejection.message, "field 3 (day-of-month) '32': value out of range 1-31");
}

TEST(CronParseError, IsAnInvalidArgument) {
  EXPECT_THROW(CronExpression::parse("61 * * * *"), std::invalid_argument);
}

TEST(CronParseError, RejectsAnEmptyExpression) {
  expect_rejected("", 0, "empty expression");
  expect_rejected(" \t ", 0, "empty expression");
}

TEST(CronParseError, RejectsTooFewFieldsPointingAtTheFirstMissingOne) {
  expect_rejected("* * * *", 4, "field 4 (day-of-week) missing");
  expect_rejected("0", 1, "got 1");
}

TEST(CronParseError, RejectsTooManyFieldsPointingAtTheFirstExtraOne) {
  expect_rejected("0 0 0 * * * *", 6, "one field too many");
}

TEST(CronParseError, RejectsValuesOutOfEachFieldsRange) {
  expect_rejected("60 * * * *", 0, "field 0 (minute) '60': value out of range 0-59");
  expect_rejected("* 24 * * *", 1, "field 1 (hour) '24': value out of range 0-23");
  expect_rejected("* * 0 * *", 2, "field 2 (day-of-month) '0': value out of range 1-31");
  expect_rejected("* * * 13 *", 3, "field 3 (month) '13': value out of range 1-12");
  expect_rejected("* * * * 8", 4, "field 4 (day-of-week) '8': value out of range 0-7");
  expect_rejected("60 * * * * *", 0, "field 0 (second) '60'");
  expect_rejected("0 0 0 * * 8", 5, "field 5 (day-of-week)");
  expect_rejected("1-60 * * * *", 0, "'1-60': value 60 out of range 0-59");
  expect_rejected("99999999999 * * * *", 0, "out of range 0-59");
}

TEST(CronParseError, RejectsAReversedRangeAsCronieDoes) {
  expect_rejected("5-1 * * * *", 0, "'5-1': reversed range");
  expect_rejected("* * * dec-jan *", 3, "'dec-jan': reversed range");
}

TEST(CronParseError, SuggestsSevenForARangeEndingOnSunday) {
  expect_rejected("* * * * sat-sun", 4, "fri-7");
}

TEST(CronParseError, RejectsAStepOfZero) {
  expect_rejected("*/0 * * * *", 0, "step 0 is not allowed");
  expect_rejected("* * 1-31/0 * *", 2, "step 0");
}

TEST(CronParseError, RejectsAStepWiderThanTheFieldInsteadOfRunningOnceAnHour) {
  expect_rejected("*/90 * * * *", 0, "step 90 is larger than the field's range 0-59");
}

TEST(CronParseError, RejectsStrayCommas) {
  expect_rejected("1, * * * *", 0, "'1,': trailing comma");
  expect_rejected(",1 * * * *", 0, "leading comma");
  expect_rejected("1,,2 * * * *", 0, "empty list element");
}

TEST(CronParseError, RejectsIncompleteRangesAndSteps) {
  expect_rejected("1- * * * *", 0, "incomplete range");
  expect_rejected("-5 * * * *", 0, "incomplete range");
  expect_rejected("/5 * * * *", 0, "missing value before '/'");
  expect_rejected("*/ * * * *", 0, "missing step after '/'");
  expect_rejected("*/x * * * *", 0, "step 'x' is not a number");
}

TEST(CronParseError, RejectsGarbage) {
  expect_rejected("a * * * *", 0, "'a' is not a number");
  expect_rejected("* * 1.5 * *", 2, "'1.5' is not a number");
  expect_rejected("* * * * 1-2-3", 4, "not a number");
  expect_rejected("*-5 * * * *", 0, "'*' is not a number");
  expect_rejected("jan * * * *", 0, "'jan' is not a number");
}

TEST(CronParseError, RejectsUnknownAndLongNames) {
  expect_rejected("* * * foo *", 3, "unknown month name 'foo' (use jan-dec");
  expect_rejected("* * * * monday", 4, "unknown day-of-week name 'monday' (use sun-sat");
  expect_rejected("* * * * mon1", 4, "not a number or name");
}

TEST(CronParseError, RejectsRebootBecauseADaemonScheduleHasNoBoot) {
  expect_rejected("@reboot", 0, "'@reboot': not supported by a daemon schedule");
}

TEST(CronParseError, RejectsUnknownNicknamesAndUpperCaseOnesAsCronieDoes) {
  expect_rejected("@fortnightly", 0, "unknown nickname");
  expect_rejected("@HOURLY", 0, "unknown nickname");
}

TEST(CronParseError, RejectsFieldsAfterANickname) {
  expect_rejected("@daily 5", 1, "a nickname stands alone");
}

}  // namespace
}  // namespace qi::schedule
