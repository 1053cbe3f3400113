#include "qualys_sim/faults.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace qi::sim {
namespace {

TEST(FaultSpec, ParsesEndpointKindArgumentAndOptions) {
  const auto rule = parse_fault_spec("detection:reset-mid-body:4096,nth=3,times=2");
  EXPECT_EQ(rule.endpoint, Endpoint::detection);
  EXPECT_EQ(rule.kind, FaultKind::reset_mid_body);
  EXPECT_EQ(rule.after_bytes, 4096u);
  EXPECT_EQ(rule.nth, 3u);
  EXPECT_EQ(rule.times, 2u);
}

TEST(FaultSpec, DefaultsToTheNextRequestOnce) {
  const auto rule = parse_fault_spec("kb:hang");
  EXPECT_EQ(rule.nth, 1u);
  EXPECT_EQ(rule.times, 1u);
}

TEST(FaultSpec, ForeverMeansTimesZero) {
  EXPECT_EQ(parse_fault_spec("any:status:503,times=forever").times, 0u);
}

TEST(FaultSpec, RejectsUnknownEndpointsKindsAndOptions) {
  EXPECT_THROW(parse_fault_spec("web:status:500"), std::invalid_argument);
  EXPECT_THROW(parse_fault_spec("kb:teapot"), std::invalid_argument);
  EXPECT_THROW(parse_fault_spec("kb:hang,after=3"), std::invalid_argument);
  EXPECT_THROW(parse_fault_spec("kb:status"), std::invalid_argument);
  EXPECT_THROW(parse_fault_spec("kb:hang:5"), std::invalid_argument);
}

TEST(FaultPlan, CountsRequestsFromWhenTheRuleWasAdded) {
  FaultPlan plan;
  plan.add(parse_fault_spec("kb:status:500,nth=2"), 10);
  EXPECT_FALSE(plan.match(Endpoint::kb, 11, 11));
  EXPECT_TRUE(plan.match(Endpoint::kb, 12, 12));
  EXPECT_FALSE(plan.match(Endpoint::kb, 13, 13));
  EXPECT_FALSE(plan.match(Endpoint::detection, 12, 12));
}

TEST(FaultPlan, AnyMatchesEveryEndpointByTotalCount) {
  FaultPlan plan;
  plan.add(parse_fault_spec("any:status:503,times=forever"), 0);
  EXPECT_TRUE(plan.match(Endpoint::auth, 1, 1));
  EXPECT_TRUE(plan.match(Endpoint::search, 1, 2));
}

}  // namespace
}  // namespace qi::sim
