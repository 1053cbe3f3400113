// The gateway side of the simulator: /auth, CSAM search paging and count.
#include <rapidjson/document.h>

#include <set>

#include "qualys_sim/data_spec.hpp"
#include "qualys_sim/sim_util.hpp"
#include "qualys_sim/tests/sim_fixture.hpp"

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
  const auto last = client().gateway("/rest/2.0/search/am/asset?pageSize=3&lastSeenAssetId=" +
                                         std::to_string(doc["lastSeenAssetId"].GetInt64()),
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
      "/rest/2.0/search/am/asset?pageSize=5&includeFields=assetName,operatingSystem.fullName",
      token);
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

// count?lastSeenAssetId=X counts the assets above X, as the search would serve them after that
// cursor: the assets job splits the ID space into windows with it.
TEST_F(SimulatorCount, CountsOnlyTheAssetsAfterLastSeenAssetId) {
  SimulatorOptions options;
  options.data.assets = 500;
  start(options);
  const std::string token = client().login();
  const auto count_after = [&](std::int64_t last_seen) {
    const auto doc = parse_json(
        client()
            .gateway("/rest/2.0/count/am/asset?lastSeenAssetId=" + std::to_string(last_seen), token)
            .body);
    return doc["count"].GetInt64();
  };
  EXPECT_EQ(count_after(0), 500);
  EXPECT_EQ(count_after(asset_id_at(options.data, 0)), 499);
  EXPECT_EQ(count_after(asset_id_at(options.data, 0) - 1), 500);
  EXPECT_EQ(count_after(asset_id_at(options.data, 449)), 50);  // the last 50 sit above 2^53
  EXPECT_EQ(count_after(asset_id_at(options.data, 450) - 1), 50);
  EXPECT_EQ(count_after(asset_id_at(options.data, 499)), 0);
  EXPECT_EQ(count_after(INT64_MAX), 0);
}

TEST_F(SimulatorCount, CountsAfterLastSeenAssetIdWithoutRemovedAndWithAssetLastUpdated) {
  SimulatorOptions options;
  options.data.assets = 300;
  append_past_generations(options.data, 3);
  start(options);
  const std::string token = client().login();
  const DataSpec& spec = options.data;
  const std::int64_t middle = asset_id_at(spec, 120);
  std::int64_t existing = 0;
  std::int64_t updated = 0;
  const std::int64_t since = *parse_iso_utc(spec.generation_times[1]);
  for (std::int64_t i = 121; i < asset_slots(spec); ++i) {
    existing += asset_exists(spec, i);
    updated += asset_exists(spec, i) && asset_updated_at(spec, i) > since;
  }
  ASSERT_LT(existing, asset_slots(spec) - 121) << "no removed asset above the cursor";
  const std::string target = "/rest/2.0/count/am/asset?lastSeenAssetId=" + std::to_string(middle);
  EXPECT_EQ(parse_json(client().gateway(target, token).body)["count"].GetInt64(), existing);
  const std::string updated_target = target + "&assetLastUpdated=" + spec.generation_times[1];
  EXPECT_EQ(parse_json(client().gateway(updated_target, token).body)["count"].GetInt64(), updated);
  EXPECT_GT(updated, 0);
}

TEST_F(SimulatorCount, RejectsAnInvalidLastSeenAssetIdLikeSearch) {
  const std::string token = client().login();
  for (const std::string value : {"-1", "abc", ""}) {
    const auto response =
        client().gateway("/rest/2.0/count/am/asset?lastSeenAssetId=" + value, token);
    EXPECT_EQ(response.status, 400u) << value;
    EXPECT_NE(response.body.find("Invalid lastSeenAssetId"), std::string::npos) << response.body;
  }
}

}  // namespace
}  // namespace qi::sim::testing
