// Fault specs, and each fault as a client meets it: statuses, 429 with Retry-After, resets
// before and after the request is applied, slowness, the Cloud rate limit and the body cap.
#include "assets_sim/tests/assets_fixture.hpp"
#include "assets_sim/tests/test_mapping.hpp"

namespace qi::assets_sim::testing {
namespace {

TEST(AssetsFaultSpec, ParsesFamilyKindArgumentAndOptions) {
  const auto rule = parse_fault_spec("data:429:7,nth=2,times=3");
  EXPECT_EQ(rule.family, "data");
  EXPECT_EQ(rule.kind, FaultKind::too_many_429);
  EXPECT_EQ(rule.seconds, 7);
  EXPECT_EQ(rule.nth, 2u);
  EXPECT_EQ(rule.times, 3u);
  EXPECT_EQ(parse_fault_spec("cloud:slow:250").delay, std::chrono::milliseconds(250));
  EXPECT_EQ(parse_fault_spec("any:reset,forever").times, 0u);
}

TEST(AssetsFaultSpec, RefusesUnknownFamiliesKindsAndBadArguments) {
  EXPECT_THROW(parse_fault_spec("kb:reset"), std::invalid_argument);
  EXPECT_THROW(parse_fault_spec("data:explode"), std::invalid_argument);
  EXPECT_THROW(parse_fault_spec("data:status"), std::invalid_argument);
  EXPECT_THROW(parse_fault_spec("data:status:999"), std::invalid_argument);
  EXPECT_THROW(parse_fault_spec("data:reset:5"), std::invalid_argument);
  EXPECT_THROW(parse_fault_spec("data:reset,nth=0"), std::invalid_argument);
}

TEST(AssetsFaultPlan, ARuleHitsItsNthMatchingRequestForTimesRequests) {
  FaultPlan plan;
  plan.add(parse_fault_spec("cloud:status:503,nth=2,times=2"));
  EXPECT_FALSE(plan.match("dc-start"));  // not covered, not counted
  EXPECT_FALSE(plan.match("info"));
  EXPECT_TRUE(plan.match("data"));
  EXPECT_TRUE(plan.match("status"));
  EXPECT_FALSE(plan.match("data"));
}

class AssetsFaults : public AssetsFixture {
 protected:
  ClientResponse progress() {
    return dc(Verb::get, "/rest/assets/1.0/progress/category/imports/11");
  }
};

TEST_F(AssetsFaults, StatusFaultsAnswerWithThatStatusAndDoNotApplyTheRequest) {
  sim().add_fault(parse_fault_spec("dc-start:status:403"));
  EXPECT_EQ(dc(Verb::post, "/rest/assets/1.0/import/start/11").status, 403u);
  EXPECT_TRUE(sim().dc_starts().empty());
  sim().add_fault(parse_fault_spec("dc:status:401"));
  EXPECT_EQ(progress().status, 401u);
  EXPECT_EQ(progress().status, 200u);
  EXPECT_EQ(sim().stats().faults_fired, 2u);
}

TEST_F(AssetsFaults, A503CarriesRetryAfter) {
  sim().add_fault(parse_fault_spec("dc-progress:status:503"));
  const auto response = progress();
  EXPECT_EQ(response.status, 503u);
  EXPECT_EQ(response.header("Retry-After"), "2");
}

TEST_F(AssetsFaults, A429CarriesItsRetryAfterOnEitherSide) {
  sim().add_fault(parse_fault_spec("dc-progress:429:9"));
  sim().add_fault(parse_fault_spec("info:429:4"));
  const auto dc_answer = progress();
  EXPECT_EQ(dc_answer.status, 429u);
  EXPECT_EQ(dc_answer.header("Retry-After"), "9");
  const auto cloud_answer =
      send(Verb::get, "/jsm/assets/v1/imports/info", "Bearer assets-container-token");
  EXPECT_EQ(cloud_answer.status, 429u);
  EXPECT_EQ(cloud_answer.header("Retry-After"), "4");
}

TEST_F(AssetsFaults, AResetGivesNoResponseAndTheNextRequestIsServed) {
  sim().add_fault(parse_fault_spec("dc-progress:reset"));
  const auto reset = progress();
  EXPECT_EQ(reset.status, 0u);
  EXPECT_TRUE(reset.error);
  EXPECT_EQ(progress().status, 200u);
}

TEST_F(AssetsFaults, AResetAfterApplyKeepsTheChunkSoTheRetryIsIdempotent) {
  ASSERT_EQ(cloud(Verb::put, "/mapping", kTestMapping).status, 200u);
  const std::string execution = text(json(cloud(Verb::post, "/executions")), "id");
  const std::string path = "/executions/" + execution + "/data";
  const std::string body =
      R"({"data": {"hosts": [{"assetId": "A1"}]}, "clientGeneratedId": "x-1", "completed": false})";
  sim().add_fault(parse_fault_spec("data:reset-after-apply"));
  EXPECT_EQ(cloud(Verb::post, path, body).status, 0u);
  EXPECT_EQ(cloud(Verb::post, path, body).status, 200u);
  ASSERT_EQ(cloud(Verb::post, path, R"({"completed": true})").status, 200u);
  const auto status = poll([&] { return cloud(Verb::get, "/executions/" + execution + "/status"); },
                           [](const auto& doc) { return text(doc, "status") == "DONE"; });
  EXPECT_EQ(json(status)["progressResult"]["entriesCreated"].GetInt(), 1);
}

TEST_F(AssetsFaults, ASlowFaultDelaysTheAnswer) {
  sim().add_fault(parse_fault_spec("dc-progress:slow:300"));
  const auto response = progress();
  EXPECT_EQ(response.status, 200u);
  EXPECT_GE(response.elapsed, std::chrono::milliseconds(300));
}

TEST_F(AssetsFaults, ADripFaultSendsTheWholeBodySlowly) {
  sim().add_fault(parse_fault_spec("dc-progress:drip:2"));
  const auto response = progress();
  EXPECT_EQ(response.status, 200u);
  EXPECT_TRUE(response.complete);
  EXPECT_GE(response.elapsed, std::chrono::milliseconds(2 * 40));
  EXPECT_EQ(text(json(response), "status"), "NOT_STARTED");
}

TEST_F(AssetsFaults, TheCloudRateLimitAnswers429WithRetryAfter) {
  auto options = fast_options();
  options.cloud.rate_limit_per_minute = 3;
  start(options);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(cloud(Verb::get, "/configstatus").status, 200u);
  const auto limited = cloud(Verb::get, "/configstatus");
  EXPECT_EQ(limited.status, 429u);
  const int wait = std::stoi(limited.header("Retry-After"));
  EXPECT_GE(wait, 1);
  EXPECT_LE(wait, 60);
  EXPECT_EQ(sim().stats().rate_limited, 1u);
  EXPECT_EQ(progress().status, 200u);  // Data Center calls are not counted
}

TEST_F(AssetsFaults, ABodyAboveTheCapGets413) {
  auto options = fast_options();
  options.max_body_bytes = 1024;
  start(options);
  const auto response = cloud(Verb::put, "/mapping", kTestMapping);
  EXPECT_EQ(response.status, 413u);
}

}  // namespace
}  // namespace qi::assets_sim::testing
