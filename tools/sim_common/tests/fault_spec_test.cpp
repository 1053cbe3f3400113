#include "sim_common/fault_spec.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace qi::sim_common {
namespace {

TEST(FaultSpec, CutsTargetKindArgumentAndOptions) {
  const auto spec = split_fault_spec("detection:reset-mid-body:4096,nth=3,times=2", "ENDPOINT");
  EXPECT_EQ(spec.target, "detection");
  EXPECT_EQ(spec.kind, "reset-mid-body");
  EXPECT_EQ(spec.argument, "4096");
  EXPECT_EQ(spec.nth, 3u);
  EXPECT_EQ(spec.times, 2u);
}

TEST(FaultSpec, DefaultsToTheNextRequestOnceWithoutArgument) {
  const auto spec = split_fault_spec("kb:hang", "ENDPOINT");
  EXPECT_FALSE(spec.argument);
  EXPECT_EQ(spec.nth, 1u);
  EXPECT_EQ(spec.times, 1u);
}

TEST(FaultSpec, ForeverAndTimesForeverMeanTimesZero) {
  EXPECT_EQ(split_fault_spec("any:reset,forever", "FAMILY").times, 0u);
  EXPECT_EQ(split_fault_spec("any:reset,times=forever", "FAMILY").times, 0u);
}

TEST(FaultSpec, IgnoresBlanksAroundTheSpecAndItsOptions) {
  const auto spec = split_fault_spec(" data:429:3, nth=2 \r", "FAMILY");
  EXPECT_EQ(spec.target, "data");
  EXPECT_EQ(spec.argument, "3");
  EXPECT_EQ(spec.nth, 2u);
}

TEST(FaultSpec, ASpecWithoutKindIsRefusedNamingTheTargetWord) {
  try {
    split_fault_spec("data", "FAMILY");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "fault spec 'data': expected FAMILY:KIND[:ARG]");
  }
}

TEST(FaultSpec, UnknownOptionsAndZeroCountsAreRefused) {
  EXPECT_THROW(split_fault_spec("kb:hang,after=3", "ENDPOINT"), std::invalid_argument);
  EXPECT_THROW(split_fault_spec("kb:hang,nth=0", "ENDPOINT"), std::invalid_argument);
  EXPECT_THROW(split_fault_spec("kb:hang,times=0", "ENDPOINT"), std::invalid_argument);
  EXPECT_THROW(split_fault_spec("kb:hang,nth=-1", "ENDPOINT"), std::invalid_argument);
}

TEST(FaultSpec, AStatusMustBeGivenAndBeAnHttpStatus) {
  EXPECT_EQ(fault_status(split_fault_spec("kb:status:503", "ENDPOINT")), 503);
  EXPECT_THROW(fault_status(split_fault_spec("kb:status", "ENDPOINT")), std::invalid_argument);
  EXPECT_THROW(fault_status(split_fault_spec("kb:status:99", "ENDPOINT")), std::invalid_argument);
  EXPECT_THROW(fault_status(split_fault_spec("kb:status:600", "ENDPOINT")), std::invalid_argument);
}

TEST(FaultSpec, NumbersAreWholeNonNegativeIntegers) {
  EXPECT_EQ(fault_number("42", "bytes"), 42);
  EXPECT_THROW(fault_number("", "bytes"), std::invalid_argument);
  EXPECT_THROW(fault_number("4k", "bytes"), std::invalid_argument);
  EXPECT_THROW(fault_number("-1", "bytes"), std::invalid_argument);
}

TEST(FaultSpec, AKindWithoutArgumentRefusesOne) {
  EXPECT_NO_THROW(refuse_argument(split_fault_spec("kb:hang", "ENDPOINT")));
  EXPECT_THROW(refuse_argument(split_fault_spec("kb:hang:5", "ENDPOINT")), std::invalid_argument);
}

}  // namespace
}  // namespace qi::sim_common
