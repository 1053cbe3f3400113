// The gateway side of the simulator: /auth, CSAM search paging and count.
#include <rapidjson/document.h>

#include <set>

#include "simulator/sim_fixture.hpp"
#include "simulator/sim_util.hpp"

namespace qi::sim::testing {
namespace {

using SimulatorAuth = SimFixture;
using SimulatorSearch = SimFixture;
using SimulatorCount = SimFixture;

rapidjson::Document parse_json(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  EXPECT_FALSE(doc.HasParseError()) << body.substr(0, 300);
  return doc;
}

std::string jwt_payload(const std::string& token) {
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  if (first == std::string::npos || second == std::string::npos) return {};
  return base64_decode(token.substr(first + 1, second - first - 1)).value_or("");
}

TEST_F(SimulatorAuth, Returns201WithAJwtWhoseExpIsTheTokenLifetimeAfterIat) {
  SimulatorOptions options;
  options.token_lifetime = std::chrono::seconds(90);
  start(options);
  ClientRequest request;
  request.target = "/auth";
  request.body = "username=sim-user&password=sim-password&token=true";
  const auto response = client().send(request);
  ASSERT_EQ(response.status, 201u);
  EXPECT_EQ(std::count(response.body.begin(), response.body.end(), '.'), 2);
  const auto payload = parse_json(jwt_payload(response.body));
  ASSERT_TRUE(payload.HasMember("exp") && payload.HasMember("iat"));
  EXPECT_EQ(payload["exp"].GetInt64() - payload["iat"].GetInt64(), 90);
  EXPECT_EQ(sim().stats().gateway_logins_ok, 1u);
}

TEST_F(SimulatorAuth, RejectsWrongCredentialsWith401AndCountsTheAttempt) {
  ClientRequest request;
  request.target = "/auth";
  request.body = "username=sim-user&password=wrong&token=true";
  EXPECT_EQ(client().send(request).status, 401u);
  EXPECT_EQ(sim().stats().gateway_logins_failed, 1u);
  EXPECT_EQ(sim().stats().gateway_logins_ok, 0u);
}

TEST_F(SimulatorSearch, PagesCoverEveryAssetOnceAscendingAndEndWithHasMoreZero) {
  SimulatorOptions options;
  options.data.assets = 25;
  start(options);
  const std::string token = client().login();
  std::int64_t cursor = 0;
  std::vector<std::int64_t> ids;
  for (int page = 0; page < 20; ++page) {
    const auto response = client().gateway(
        "/rest/2.0/search/am/asset?pageSize=7&lastSeenAssetId=" + std::to_string(cursor), token);
    ASSERT_EQ(response.status, 200u);
    EXPECT_EQ(response.header("Transfer-Encoding"), "chunked");
    const auto doc = parse_json(response.body);
    ASSERT_STREQ(doc["responseCode"].GetString(), "SUCCESS");
    const auto& assets = doc["assetListData"]["asset"].GetArray();
    EXPECT_EQ(doc["count"].GetInt64(), static_cast<std::int64_t>(assets.Size()));
    for (const auto& asset : assets) ids.push_back(asset["assetId"].GetInt64());
    cursor = doc["lastSeenAssetId"].GetInt64();
    if (doc["hasMore"].GetInt() == 0) break;
  }
  ASSERT_EQ(ids.size(), 25u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), 25u);
  EXPECT_EQ(cursor, ids.back());
}

TEST_F(SimulatorSearch, Answers204AfterTheLastPageWhenConfigured) {
  SimulatorOptions options;
  options.data.assets = 3;
  options.csam_204_at_end = true;
  start(options);
  const std::string token = client().login();
  const auto first = client().gateway("/rest/2.0/search/am/asset?pageSize=3", token);
  const auto doc = parse_json(first.body);
  EXPECT_EQ(doc["hasMore"].GetInt(), 1);
  const auto last = client().gateway(
      "/rest/2.0/search/am/asset?pageSize=3&lastSeenAssetId=" + std::to_string(doc["lastSeenAssetId"].GetInt64()),
      token);
  EXPECT_EQ(last.status, 204u);
  EXPECT_TRUE(last.body.empty());
}

TEST_F(SimulatorSearch, RejectsAPageSizeAbove300) {
  const std::string token = client().login();
  EXPECT_EQ(client().gateway("/rest/2.0/search/am/asset?pageSize=301", token).status, 400u);
}

TEST_F(SimulatorSearch, RejectsAnUnknownToken) {
  EXPECT_EQ(client().gateway("/rest/2.0/search/am/asset", "not-a-token").status, 401u);
}

TEST_F(SimulatorSearch, RejectsAnExpiredToken) {
  SimulatorOptions options;
  options.token_lifetime = std::chrono::seconds(0);  // exp == iat: expired at once
  start(options);
  const std::string token = client().login();
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(client().gateway("/rest/2.0/search/am/asset", token).status, 401u);
}

TEST_F(SimulatorSearch, ReturnsFieldsOutsideIncludeFieldsAsNull) {
  const std::string token = client().login();
  const auto response = client().gateway(
      "/rest/2.0/search/am/asset?pageSize=5&includeFields=assetName,operatingSystem.fullName", token);
  const auto doc = parse_json(response.body);
  for (const auto& asset : doc["assetListData"]["asset"].GetArray()) {
    EXPECT_TRUE(asset["assetId"].IsInt64());
    EXPECT_TRUE(asset["assetName"].IsString());
    EXPECT_TRUE(asset.HasMember("softwareListData"));
    EXPECT_TRUE(asset["softwareListData"].IsNull());
    EXPECT_TRUE(asset["createdDate"].IsNull());
  }
}

TEST_F(SimulatorSearch, ServesInt64IdsAbove2To53AndNegativeSoftwareIds) {
  SimulatorOptions options;
  options.data.assets = 20;
  start(options);
  const std::string token = client().login();
  const auto response = client().gateway("/rest/2.0/search/am/asset?pageSize=20", token);
  const auto doc = parse_json(response.body);
  bool big = false;
  bool negative = false;
  for (const auto& asset : doc["assetListData"]["asset"].GetArray()) {
    big = big || asset["assetId"].GetInt64() > (std::int64_t{1} << 53);
    for (const auto& sw : asset["softwareListData"]["software"].GetArray()) {
      negative = negative || sw["id"].GetInt64() < 0;
    }
  }
  EXPECT_TRUE(big);
  EXPECT_TRUE(negative);
}

TEST_F(SimulatorCount, ReturnsTheNumberOfAssets) {
  SimulatorOptions options;
  options.data.assets = 1234;
  start(options);
  const std::string token = client().login();
  const auto doc = parse_json(client().gateway("/rest/2.0/count/am/asset", token).body);
  EXPECT_EQ(doc["count"].GetInt64(), 1234);
  EXPECT_STREQ(doc["responseCode"].GetString(), "SUCCESS");
}

}  // namespace
}  // namespace qi::sim::testing
