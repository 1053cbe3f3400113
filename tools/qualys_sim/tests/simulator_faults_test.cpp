// Every fault kind of the fault matrix triggers, on the request it names; the latency knobs slow
// responses down as configured.
#include <rapidjson/document.h>

#include <boost/beast/http/error.hpp>

#include "qualys_sim/tests/sim_fixture.hpp"
#include "qualys_sim/tests/xml_check.hpp"

namespace qi::sim::testing {
namespace {

using SimulatorFaults = SimFixture;
using SimulatorLatency = SimFixture;

constexpr const char* kKb = "/api/4.0/fo/knowledge_base/vuln/";
constexpr const char* kHld = "/api/5.0/fo/asset/host/vm/detection/";
constexpr const char* kSearch = "/rest/2.0/search/am/asset?pageSize=5";

bool json_ok(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  return !doc.HasParseError();
}

TEST_F(SimulatorFaults, HttpStatusAnswersWithThatStatusOnceThenRecovers) {
  sim().add_fault(parse_fault_spec("kb:status:503"));
  EXPECT_EQ(client().v2(kKb, "action=list").status, 503u);
  EXPECT_EQ(client().v2(kKb, "action=list").status, 200u);
  EXPECT_EQ(sim().stats().faults_fired, 1u);
}

TEST_F(SimulatorFaults, Status500OnV2IsAGenericReturn) {
  sim().add_fault(parse_fault_spec("kb:status:500"));
  const auto response = client().v2(kKb, "action=list");
  EXPECT_EQ(response.status, 500u);
  EXPECT_NE(response.body.find("<GENERIC_RETURN>"), std::string::npos);
}

TEST_F(SimulatorFaults, NthAndTimesSelectWhichRequestsFail) {
  sim().add_fault(parse_fault_spec("kb:status:502,nth=2,times=2"));
  std::vector<unsigned> statuses;
  for (int i = 0; i < 4; ++i) statuses.push_back(client().v2(kKb, "action=list").status);
  EXPECT_EQ(statuses, (std::vector<unsigned>{200, 502, 502, 200}));
}

TEST_F(SimulatorFaults, ForeverKeepsFailing) {
  sim().add_fault(parse_fault_spec("count:status:500,times=forever"));
  const std::string token = client().login();
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(client().gateway("/rest/2.0/count/am/asset", token).status, 500u);
}

TEST_F(SimulatorFaults, Concurrency409CarriesCode1960AndNoToWaitHeader) {
  sim().add_fault(parse_fault_spec("detection:409-1960"));
  const auto response = client().v2(kHld, "action=list");
  EXPECT_EQ(response.status, 409u);
  EXPECT_EQ(XmlDoc(response.body).text("//CODE"), "1960");
  EXPECT_EQ(XmlDoc(response.body).text("//ITEM/KEY"), "CALLS_TO_FINISH");
  EXPECT_TRUE(response.has_header("x-concurrency-limit-limit"));
  EXPECT_FALSE(response.has_header("x-ratelimit-towait-sec"));
}

TEST_F(SimulatorFaults, RateLimit409CarriesSecondsToWaitInHeaderAndBody) {
  sim().add_fault(parse_fault_spec("kb:409-1965:7"));
  const auto response = client().v2(kKb, "action=list");
  EXPECT_EQ(response.status, 409u);
  EXPECT_EQ(response.header("x-ratelimit-towait-sec"), "7");
  EXPECT_EQ(XmlDoc(response.body).text("//CODE"), "1965");
  EXPECT_EQ(XmlDoc(response.body).text("//ITEM[KEY='SECONDS_TO_WAIT']/VALUE"), "7");
}

TEST_F(SimulatorFaults, RateLimit409CanOmitTheToWaitHeader) {
  sim().add_fault(parse_fault_spec("kb:409-1965-no-header:9"));
  const auto response = client().v2(kKb, "action=list");
  EXPECT_EQ(response.status, 409u);
  EXPECT_FALSE(response.has_header("x-ratelimit-towait-sec"));
  EXPECT_EQ(XmlDoc(response.body).text("//ITEM[KEY='SECONDS_TO_WAIT']/VALUE"), "9");
}

TEST_F(SimulatorFaults, LowRemainingIsANormalAnswerNearTheEndOfTheBudget) {
  sim().add_fault(parse_fault_spec("kb:low-remaining:2"));
  const auto response = client().v2(kKb, "action=list");
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.header("x-ratelimit-remaining"), "2");
  EXPECT_EQ(response.header("x-ratelimit-towait-sec"), "0");
}

TEST_F(SimulatorFaults, TooManyRequestsCarriesRetryAfter) {
  sim().add_fault(parse_fault_spec("search:429:3"));
  const auto response = client().gateway(kSearch, client().login());
  EXPECT_EQ(response.status, 429u);
  EXPECT_EQ(response.header("Retry-After"), "3");
}

TEST_F(SimulatorFaults, TooManyRequestsCanOmitRetryAfter) {
  sim().add_fault(parse_fault_spec("search:429-no-retry-after"));
  const auto response = client().gateway(kSearch, client().login());
  EXPECT_EQ(response.status, 429u);
  EXPECT_FALSE(response.has_header("Retry-After"));
}

TEST_F(SimulatorFaults, Gateway401RevokesTheTokenItRejected) {
  const std::string token = client().login();
  sim().add_fault(parse_fault_spec("search:401"));
  EXPECT_EQ(client().gateway(kSearch, token).status, 401u);
  EXPECT_EQ(client().gateway(kSearch, token).status, 401u);  // the token stays dead
  EXPECT_EQ(client().gateway(kSearch, client().login()).status, 200u);
}

TEST_F(SimulatorFaults, ExpireTokensRejectsEveryTokenIssuedBefore) {
  const std::string a = client().login();
  const std::string b = client().login();
  sim().expire_all_tokens();
  EXPECT_EQ(client().gateway(kSearch, a).status, 401u);
  EXPECT_EQ(client().gateway(kSearch, b).status, 401u);
}

TEST_F(SimulatorFaults, ResetBeforeHeadersGivesNoResponse) {
  sim().add_fault(parse_fault_spec("kb:reset-before-headers"));
  const auto response = client().v2(kKb, "action=list");
  EXPECT_EQ(response.status, 0u);
  EXPECT_TRUE(response.error);
}

TEST_F(SimulatorFaults, ResetMidBodyCutsTheBodyAfterKBytes) {
  sim().add_fault(parse_fault_spec("kb:reset-mid-body:3000"));
  const auto response = client().v2(kKb, "action=list");
  EXPECT_EQ(response.status, 200u);
  EXPECT_FALSE(response.complete);
  EXPECT_TRUE(response.error);
  EXPECT_LE(response.body.size(), 3000u);
}

TEST_F(SimulatorFaults, TruncateEndsTheChunkedBodyCleanlyInTheMiddleOfTheDocument) {
  sim().add_fault(parse_fault_spec("kb:truncate:2500"));
  const auto response = client().v2(kKb, "action=list");
  EXPECT_EQ(response.status, 200u);
  EXPECT_TRUE(response.complete);
  EXPECT_EQ(response.body.size(), 2500u);
  EXPECT_FALSE(XmlDoc(response.body).well_formed());
}

TEST_F(SimulatorFaults, HangSendsNothingUntilTheClientGivesUp) {
  sim().add_fault(parse_fault_spec("detection:hang"));
  const auto response = client().v2(kHld, "action=list", std::chrono::milliseconds(300));
  EXPECT_TRUE(response.timed_out);
  EXPECT_EQ(response.status, 0u);
}

TEST_F(SimulatorFaults, SlowDripSendsOneByteAtATime) {
  sim().add_fault(parse_fault_spec("count:slow-drip:5"));
  const auto response = client().gateway("/rest/2.0/count/am/asset", client().login());
  EXPECT_EQ(response.status, 200u);
  EXPECT_TRUE(response.complete);
  EXPECT_GE(response.elapsed.count(), static_cast<long>(response.body.size() * 5));
}

TEST_F(SimulatorFaults, AccountExpiredIsHttp200WithCode2001AndNoRateLimitHeaders) {
  sim().add_fault(parse_fault_spec("kb:2001"));
  const auto response = client().v2(kKb, "action=list");
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(XmlDoc(response.body).text("//CODE"), "2001");
  EXPECT_FALSE(response.has_header("x-ratelimit-limit"));
}

TEST_F(SimulatorFaults, CsamFailedIsHttp200WithResponseCodeFailed) {
  sim().add_fault(parse_fault_spec("search:csam-failed"));
  const auto response = client().gateway(kSearch, client().login());
  EXPECT_EQ(response.status, 200u);
  EXPECT_NE(response.body.find("\"responseCode\":\"FAILED\""), std::string::npos);
}

TEST_F(SimulatorFaults, CsamEmptyPageCanSayHasMore) {
  sim().add_fault(parse_fault_spec("search:csam-empty-has-more"));
  const auto response = client().gateway(kSearch, client().login());
  EXPECT_NE(response.body.find("\"count\":0"), std::string::npos);
  EXPECT_NE(response.body.find("\"hasMore\":1"), std::string::npos);
}

TEST_F(SimulatorFaults, CsamCursorCanStayWhereItWas) {
  sim().add_fault(parse_fault_spec("search:csam-stuck-cursor"));
  const auto response =
      client().gateway("/rest/2.0/search/am/asset?pageSize=2&lastSeenAssetId=5", client().login());
  EXPECT_NE(response.body.find("\"lastSeenAssetId\":5,"), std::string::npos);
  EXPECT_NE(response.body.find("\"hasMore\":1"), std::string::npos);
}

TEST_F(SimulatorFaults, MalformedJsonDoesNotParse) {
  sim().add_fault(parse_fault_spec("search:malformed"));
  const auto response = client().gateway(kSearch, client().login());
  EXPECT_TRUE(response.complete);
  EXPECT_FALSE(json_ok(response.body));
}

TEST_F(SimulatorFaults, MalformedXmlDoesNotParse) {
  sim().add_fault(parse_fault_spec("detection:malformed"));
  const auto response = client().v2(kHld, "action=list");
  EXPECT_TRUE(response.complete);
  EXPECT_FALSE(XmlDoc(response.body).well_formed());
}

TEST_F(SimulatorFaults, InvalidUtf8AppearsInAValue) {
  sim().add_fault(parse_fault_spec("kb:invalid-utf8"));
  const auto response = client().v2(kKb, "action=list");
  EXPECT_TRUE(response.complete);
  EXPECT_FALSE(valid_utf8(response.body));
  EXPECT_TRUE(valid_utf8(client().v2(kKb, "action=list").body));
}

TEST_F(SimulatorFaults, HugeBodyNeverEnds) {
  sim().add_fault(parse_fault_spec("kb:huge-body"));
  client().body_cap = 2 << 20;
  const auto response = client().v2(kKb, "action=list");
  EXPECT_FALSE(response.complete);
  EXPECT_EQ(response.error, boost::beast::http::error::body_limit);
}

TEST_F(SimulatorFaults, EntityAppearsOutsideCdataInAKbValue) {
  sim().add_fault(parse_fault_spec("kb:entity"));
  const auto response = client().v2(kKb, "action=list");
  EXPECT_TRUE(response.complete);
  EXPECT_NE(response.body.find("<CATEGORY>&nbsp;"), std::string::npos);
  EXPECT_EQ(client().v2(kKb, "action=list").body.find("&nbsp;"), std::string::npos);
}

TEST_F(SimulatorFaults, EndlessTextNeverEndsItsTitle) {
  sim().add_fault(parse_fault_spec("kb:endless-text"));
  client().body_cap = 2 << 20;
  const auto response = client().v2(kKb, "action=list");
  EXPECT_FALSE(response.complete);
  EXPECT_NE(response.body.find("<TITLE>AAAA"), std::string::npos);
}

TEST_F(SimulatorFaults, ForeignWarningUrlPointsAtAnotherHost) {
  sim().add_fault(parse_fault_spec("detection:foreign-warning-url:evil.example"));
  const XmlDoc doc(client().v2(kHld, "action=list").body);
  EXPECT_NE(doc.text("//WARNING/URL").find("https://evil.example/"), std::string::npos);
}

TEST_F(SimulatorFaults, ControlEndpointAddsAndClearsFaults) {
  ClientRequest add;
  add.target = "/__sim/faults";
  add.content_type = "text/plain";
  add.body = "# comment\nkb:status:503,times=forever\n";
  EXPECT_EQ(client().send(add).status, 200u);
  EXPECT_EQ(client().v2(kKb, "action=list").status, 503u);
  ClientRequest clear;
  clear.method = boost::beast::http::verb::delete_;
  clear.target = "/__sim/faults";
  EXPECT_EQ(client().send(clear).status, 200u);
  EXPECT_EQ(client().v2(kKb, "action=list").status, 200u);
}

TEST_F(SimulatorFaults, ControlEndpointRejectsABadSpec) {
  ClientRequest add;
  add.target = "/__sim/faults";
  add.body = "kb:teapot\n";
  EXPECT_EQ(client().send(add).status, 400u);
}

TEST_F(SimulatorFaults, StatsEndpointReportsCountsAsJson) {
  client().v2(kKb, "action=list");
  ClientRequest stats;
  stats.method = boost::beast::http::verb::get;
  stats.target = "/__sim/stats";
  const auto response = client().send(stats);
  rapidjson::Document doc;
  doc.Parse(response.body.c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_EQ(doc["requests"]["kb"].GetUint64(), 1u);
  EXPECT_EQ(doc["basic_auth_ok"].GetUint64(), 1u);
  EXPECT_GT(doc["body_bytes_sent"].GetUint64(), 0u);
}

TEST_F(SimulatorFaults, ExpireTokensFaultRejectsTheRequestAndEveryEarlierToken) {
  const std::string token = client().login();
  sim().add_fault(parse_fault_spec("search:expire-tokens,nth=2"));
  EXPECT_EQ(client().gateway(kSearch, token).status, 200u);
  EXPECT_EQ(client().gateway(kSearch, token).status, 401u);
  EXPECT_EQ(client().gateway(kSearch, token).status, 401u);
  EXPECT_EQ(client().gateway(kSearch, client().login()).status, 200u);
}

TEST_F(SimulatorLatency, TimeToFirstByteDelaysEveryResponse) {
  SimulatorOptions options;
  options.latency.time_to_first_byte = std::chrono::milliseconds(200);
  start(options);
  EXPECT_GE(client().v2(kKb, "action=list&ids=1").elapsed.count(), 200);
}

TEST_F(SimulatorLatency, BandwidthLimitsTheBodyRate) {
  SimulatorOptions options;
  options.latency.bandwidth = 100000;  // bytes per second
  start(options);
  const auto response = client().v2(kKb, "action=list&ids=10000-10150");
  ASSERT_GT(response.body.size(), 30000u);
  EXPECT_GE(response.elapsed.count(), static_cast<long>(response.body.size() * 1000 / 100000));
}

TEST_F(SimulatorFaults, CountsAClientThatFetchesTheDtd) {
  const XmlDoc doc(client().v2(kKb, "action=list&ids=1").body);
  ClientRequest dtd;
  dtd.method = boost::beast::http::verb::get;
  dtd.target = "/api/2.0/fo/knowledge_base/vuln/knowledge_base_vuln_list_output.dtd";
  EXPECT_EQ(client().send(dtd).status, 404u);
  EXPECT_EQ(sim().stats().dtd_fetches, 1u);
}

}  // namespace
}  // namespace qi::sim::testing
