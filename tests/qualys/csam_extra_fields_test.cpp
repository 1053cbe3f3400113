// The CSAM fields of the assets.csv extra columns (AssetFields): tags, the agent's last check-in
// and the cloud provider and instance, in every shape csam_page_extras.json holds, and the
// limits that keep one asset bounded.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "parser_test_support.hpp"
#include "qualys/csam_page_parser.hpp"

namespace qi::qualys {
namespace {

using testing::fixture;

constexpr AssetFields kEvery{.tags = true, .last_check_in = true, .cloud = true};

std::vector<Asset> parse(std::string_view doc, AssetFields fields = kEvery) {
  std::vector<Asset> assets;
  CsamPageParser parser([&](Asset&& a) { assets.push_back(std::move(a)); }, fields);
  parser.feed(doc);
  parser.finish();
  return assets;
}

// A page of one asset with `members` after its assetId (7).
std::string page(std::string_view members) {
  return R"({"assetListData":{"asset":[{"assetId":7,)" + std::string(members) + "}]}}";
}

Asset one(std::string_view members) {
  auto assets = parse(page(members));
  EXPECT_EQ(assets.size(), 1u);
  return assets.empty() ? Asset{} : assets.front();
}

std::string refusal_of(const std::string& doc) {
  try {
    (void)parse(doc);
  } catch (const FatalError& e) {
    return e.what();
  }
  return "";
}

// A tagList of `count` tags named name0, name1, ...
std::string tags_of(std::size_t count) {
  std::string list = R"("tagList":{"tag":[)";
  for (std::size_t i = 0; i < count; ++i) {
    list += (i ? "," : "") + std::string(R"({"tagName":"name)") + std::to_string(i) + "\"}";
  }
  return list + "]}";
}

TEST(CsamExtraFields, ReadsEveryTagNameInDocumentOrderWithoutEmptyOnes) {
  const auto assets = parse(fixture("csam_page_extras.json"));
  ASSERT_EQ(assets.size(), 6u);
  // The duplicate stays in the record: the Tags cell drops it (jobs/asset_columns.cpp).
  EXPECT_EQ(assets[0].tags, (std::vector<std::string>{"Cloud Agent", "Zürich, \"DMZ\"",
                                                      "Cloud Agent", "日本-Tokyo"}));
}

TEST(CsamExtraFields, FindsNoTagInANullAbsentOrEmptyTagList) {
  const auto assets = parse(fixture("csam_page_extras.json"));
  ASSERT_EQ(assets.size(), 6u);
  for (std::size_t i = 1; i < assets.size(); ++i) EXPECT_TRUE(assets[i].tags.empty()) << i;
  EXPECT_TRUE(one(R"("tagList":{"tag":null})").tags.empty());
  EXPECT_TRUE(one(R"("tagList":[{"tagName":"not a tagList"}])").tags.empty());
  EXPECT_TRUE(one(R"("tagList":{"tag":[{"tagName":7},{"tagName":{"x":"y"}}]})").tags.empty());
}

TEST(CsamExtraFields, ReadsLastCheckedInAsEpochMillisecondsOrIsoToTheSecond) {
  const auto assets = parse(fixture("csam_page_extras.json"));
  ASSERT_EQ(assets.size(), 6u);
  EXPECT_EQ(assets[0].last_check_in, 1752520814);  // 1752520814999 ms
  EXPECT_EQ(assets[1].last_check_in, 1768206600);  // 2026-01-12T08:30:00Z, from +01:00
  EXPECT_EQ(one(R"("agent":{"lastCheckedIn":"1752520814000"})").last_check_in, 1752520814);
  EXPECT_EQ(one(R"("agent":{"lastCheckedIn":-1})").last_check_in, -1);  // floors
}

TEST(CsamExtraFields, LeavesLastCheckInEmptyWithoutAnAgentOrATime) {
  const auto assets = parse(fixture("csam_page_extras.json"));
  ASSERT_EQ(assets.size(), 6u);
  EXPECT_FALSE(assets[2].last_check_in);  // "agent": null
  EXPECT_FALSE(assets[3].last_check_in);  // "lastCheckedIn": null
  EXPECT_FALSE(assets[4].last_check_in);  // no agent
  EXPECT_FALSE(one(R"("agent":{"lastCheckedIn":""})").last_check_in);
}

TEST(CsamExtraFields, RefusesALastCheckedInThatIsNoDateNamingTheAsset) {
  for (const char* value :
       {R"("yesterday")", "true", "1.5", "253402300800000", R"("2026-13-01")"}) {
    const std::string e =
        refusal_of(page(std::string(R"("agent":{"lastCheckedIn":)") + value + "}"));
    EXPECT_NE(e.find("CSAM asset 7 has an agent.lastCheckedIn"), std::string::npos) << e;
  }
}

TEST(CsamExtraFields, TakesTheCloudProviderFromTheKeyUnderCloudProvider) {
  const auto assets = parse(fixture("csam_page_extras.json"));
  ASSERT_EQ(assets.size(), 6u);
  EXPECT_EQ(assets[0].cloud_provider, "");
  EXPECT_EQ(assets[0].instance_id, "");
  EXPECT_EQ(assets[1].cloud_provider, "AWS");
  EXPECT_EQ(assets[1].instance_id, "i-0bb87c3281243cdfd");  // not the nested tag's
  EXPECT_EQ(assets[2].cloud_provider, "AZURE");
  EXPECT_EQ(assets[2].instance_id, "8d6b2f3e-1c1a-4b7e-9f00-0123456789ab");
}

TEST(CsamExtraFields, PrefersAProviderStringAndKeepsANumericInstanceIdAsText) {
  const auto assets = parse(fixture("csam_page_extras.json"));
  ASSERT_EQ(assets.size(), 6u);
  EXPECT_EQ(assets[3].cloud_provider, "GCP");
  EXPECT_EQ(assets[3].instance_id, "4567890123456789012");
  EXPECT_EQ(one(R"("cloudProvider":{"aws":{}},"provider":"Amazon")").cloud_provider, "Amazon");
}

TEST(CsamExtraFields, ReadsAnUnknownProviderDefensively) {
  const auto assets = parse(fixture("csam_page_extras.json"));
  ASSERT_EQ(assets.size(), 6u);
  // "oracle": null holds no object; "oci"'s first service has a boolean instanceId.
  EXPECT_EQ(assets[4].cloud_provider, "OCI");
  EXPECT_EQ(assets[4].instance_id, "ocid1.instance.oc1");
  // An instanceId beside the services or below a service's own objects is not the instance's.
  EXPECT_EQ(assets[5].cloud_provider, "AWS");
  EXPECT_EQ(assets[5].instance_id, "");
  const Asset second = one(R"("cloudProvider":{"aws":{"ec2":{}},"azure":{"vm":{"vmId":"x"}}})");
  EXPECT_EQ(second.cloud_provider, "AWS");
  EXPECT_EQ(second.instance_id, "");
  EXPECT_EQ(one(R"("cloudProvider":"aws","provider":7)").cloud_provider, "");
}

TEST(CsamExtraFields, CollectsOnlyTheFieldsAskedFor) {
  const auto plain = parse(fixture("csam_page_extras.json"), {});
  ASSERT_EQ(plain.size(), 6u);
  for (const Asset& a : plain) {
    EXPECT_TRUE(a.tags.empty());
    EXPECT_FALSE(a.last_check_in);
    EXPECT_EQ(a.cloud_provider, "");
    EXPECT_EQ(a.instance_id, "");
  }
  // Nor are the limits of fields not asked for applied.
  EXPECT_NO_THROW(parse(
      page(tags_of(CsamPageParser::kMaxTagsPerAsset + 1) + R"(,"agent":{"lastCheckedIn":"soon"})"),
      {}));
  const auto tags_only = parse(fixture("csam_page_extras.json"), {.tags = true});
  EXPECT_EQ(tags_only[0].tags.size(), 4u);
  EXPECT_FALSE(tags_only[0].last_check_in);
  EXPECT_EQ(tags_only[1].cloud_provider, "");
}

TEST(CsamExtraFields, AcceptsAsManyTagsAsTheLimit) {
  EXPECT_EQ(one(tags_of(CsamPageParser::kMaxTagsPerAsset)).tags.size(),
            CsamPageParser::kMaxTagsPerAsset);
}

TEST(CsamExtraFields, RefusesAnAssetWithMoreTagsThanTheLimitNamingIt) {
  const std::string e = refusal_of(page(tags_of(CsamPageParser::kMaxTagsPerAsset + 1)));
  EXPECT_NE(e.find("CSAM asset 7 has more than 1024 tags"), std::string::npos) << e;
}

TEST(CsamExtraFields, RefusesAnAssetWhoseTagNamesPassTheByteLimitEvenBeforeItsId) {
  const std::string name(40 * 1024, 'x');
  const std::string doc = R"({"assetListData":{"asset":[{"tagList":{"tag":[{"tagName":")" + name +
                          R"("},{"tagName":")" + name + R"("}]},"assetId":9}]}})";
  const std::string e = refusal_of(doc);
  EXPECT_NE(e.find("CSAM asset 9 has more than 65536 bytes of tag names"), std::string::npos) << e;
}

}  // namespace
}  // namespace qi::qualys
