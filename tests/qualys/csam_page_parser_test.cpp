#include "qualys/csam_page_parser.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "parser_test_support.hpp"

namespace qi::qualys {
namespace {

using testing::fixture;
using testing::parse_assets;

CsamEnvelope envelope_of(std::string_view doc) {
  CsamPageParser p([](Asset&&) {});
  p.feed(doc);
  p.finish();
  return p.envelope();
}

std::string error_of(std::string_view doc) {
  try {
    (void)parse_assets(doc);
  } catch (const TransientError& e) {
    return e.what();
  }
  return "";
}

TEST(CsamPageParser, ReadsTheEnvelope) {
  const CsamEnvelope e = envelope_of(fixture("csam_page_last.json"));
  EXPECT_EQ(e.response_code, "SUCCESS");
  EXPECT_EQ(e.response_message, "Valid API Access");
  EXPECT_EQ(e.count, 1);
  EXPECT_EQ(e.has_more, 0);
  EXPECT_EQ(e.last_seen_asset_id, 12345);
  EXPECT_EQ(e.assets, 1u);
}

TEST(CsamPageParser, LeavesHasMoreEmptyWhenMissing) {
  EXPECT_FALSE(envelope_of(fixture("csam_page_nulls.json")).has_more);
}

TEST(CsamPageParser, AcceptsHasMoreAsABoolean) {
  EXPECT_EQ(envelope_of(R"({"hasMore":true})").has_more, 1);
  EXPECT_EQ(envelope_of(R"({"hasMore":false})").has_more, 0);
  EXPECT_EQ(envelope_of(R"({"hasMore":1})").has_more, 1);
  EXPECT_FALSE(envelope_of(R"({"hasMore":null})").has_more);
}

TEST(CsamPageParser, ReadsEveryColumnOfAnAsset) {
  const auto assets = parse_assets(fixture("csam_page_last.json"));
  ASSERT_EQ(assets.size(), 1u);
  const Asset& a = assets[0];
  EXPECT_EQ(a.asset_id, 12345);
  EXPECT_EQ(a.host_id, 777);
  EXPECT_EQ(a.asset_uuid, "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
  EXPECT_EQ(a.address, "198.51.100.7");
  EXPECT_EQ(a.asset_name, "db-01");
  EXPECT_EQ(a.netbios_name, "DB01");
  EXPECT_EQ(a.last_logged_on_user, "svc_db");
  EXPECT_EQ(a.bios_serial_number, "SN-0001");
  EXPECT_EQ(a.bios_asset_tag, "AT-0001");
  EXPECT_EQ(a.os_full_name, "Example BSD 14");
  EXPECT_EQ(a.os_category1, "BSD");
  EXPECT_EQ(a.os_category2, "Server");
  EXPECT_EQ(a.hw_full_name, "Example Rack 2U");
  EXPECT_EQ(a.hw_category1, "Server");
  EXPECT_EQ(a.hw_category2, "Rack");
  EXPECT_EQ(a.last_modified_date, "2026-01-11T01:02:03.004Z");
  EXPECT_EQ(a.created_date, "2026-01-01T00:00:00.000Z");
}

TEST(CsamPageParser, KeepsInt64IdsAbove2To53Exact) {
  const auto assets = parse_assets(fixture("csam_page_nulls.json"));
  ASSERT_EQ(assets.size(), 3u);
  EXPECT_EQ(assets[0].asset_id, 9007199254740993);
  EXPECT_EQ(assets[0].host_id, 9007199254740995);
  EXPECT_EQ(assets[1].asset_id, 9007199254740994);
  EXPECT_EQ(envelope_of(fixture("csam_page_nulls.json")).last_seen_asset_id, 9007199254740993);
}

TEST(CsamPageParser, KeepsStringsVerbatim) {
  const auto assets = parse_assets(fixture("csam_page_nulls.json"));
  ASSERT_EQ(assets.size(), 3u);
  EXPECT_EQ(assets[0].last_logged_on_user, "CORP\\jdoe");
  EXPECT_EQ(assets[0].bios_asset_tag, "tag \"A\", row 1");
  EXPECT_EQ(assets[0].address, "2001:db8::10");
}

TEST(CsamPageParser, TurnsNullOperatingSystemAndHardwareIntoEmptyFields) {
  const auto assets = parse_assets(fixture("csam_page_nulls.json"));
  ASSERT_EQ(assets.size(), 3u);
  const Asset& a = assets[1];
  EXPECT_FALSE(a.host_id);
  EXPECT_EQ(a.asset_uuid, "");
  EXPECT_EQ(a.address, "");
  EXPECT_EQ(a.netbios_name, "");
  EXPECT_EQ(a.os_full_name, "");
  EXPECT_EQ(a.os_category1, "");
  EXPECT_EQ(a.hw_full_name, "");
  EXPECT_EQ(a.hw_category2, "");
}

TEST(CsamPageParser, TurnsAbsentFieldsIntoEmptyFields) {
  const auto assets = parse_assets(fixture("csam_page_nulls.json"));
  ASSERT_EQ(assets.size(), 3u);
  const Asset& a = assets[2];
  EXPECT_EQ(a.asset_id, 77);
  EXPECT_FALSE(a.host_id);
  EXPECT_EQ(a.os_full_name, "");
  EXPECT_EQ(a.hw_full_name, "");
  EXPECT_EQ(a.hw_category1, "Unknown");
  EXPECT_EQ(a.last_modified_date, "");
}

TEST(CsamPageParser, RendersEpochMillisecondDatesAsIso8601) {
  const auto assets = parse_assets(fixture("csam_page_nulls.json"));
  ASSERT_EQ(assets.size(), 3u);
  EXPECT_EQ(assets[1].last_modified_date, "2026-01-01T00:00:00.123Z");
  EXPECT_EQ(assets[1].created_date, "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(parse_assets(R"({"assetListData":{"asset":[{"assetId":1,"createdDate":-1}]}})")
                .at(0)
                .created_date,
            "1969-12-31T23:59:59.999Z");
}

TEST(CsamPageParser, IgnoresNestedIdsOfSoftwareAndTags) {
  // The software list holds negative 64-bit ids (one is INT64_MIN); they must not disturb parsing.
  const auto assets = parse_assets(fixture("csam_page_nulls.json"));
  ASSERT_EQ(assets.size(), 3u);
  EXPECT_EQ(assets[0].os_full_name, "Example Linux 9.3 (Plow)");
  EXPECT_EQ(assets[0].hw_category2, "Virtual Machine");
}

TEST(CsamPageParser, GivesTheSameAssetsWhenFedByteByByte) {
  const std::string doc = fixture("csam_page_nulls.json");
  const auto whole = parse_assets(doc);
  const auto bytes = parse_assets(doc, 1);
  ASSERT_EQ(whole.size(), bytes.size());
  for (std::size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(whole[i].asset_id, bytes[i].asset_id);
    EXPECT_EQ(whole[i].last_modified_date, bytes[i].last_modified_date);
  }
}

TEST(CsamPageParser, RejectsEveryTruncationOfAPage) {
  // The assets handed over before the cut are the caller's to discard (the header comment).
  const std::string doc = fixture("csam_page_nulls.json");
  for (std::size_t n = 0; n + 1 < doc.size(); n += 7) {
    CsamPageParser p([](Asset&&) {});
    p.feed(std::string_view(doc).substr(0, n));
    EXPECT_THROW(p.finish(), TransientError) << n;
    EXPECT_EQ(p.envelope().assets, 0u) << n;
  }
}

TEST(CsamPageParser, ReportsMalformedJsonWithReasonAndOffset) {
  EXPECT_EQ(error_of(R"({"count": 1,})"),
            "malformed JSON in CSAM page: Missing a name for object member. at offset 12");
}

TEST(CsamPageParser, RejectsInvalidUtf8InAString) {
  const std::string e =
      error_of("{\"assetListData\":{\"asset\":[{\"assetId\":1,\"assetName\":\"a\xC3\x28\"}]}}");
  EXPECT_TRUE(e.starts_with("malformed JSON in CSAM page: ")) << e;
}

TEST(CsamPageParser, RejectsTrailingGarbageAndNonObjects) {
  EXPECT_NE(error_of("{} {}"), "");
  EXPECT_NE(error_of("[]"), "");
  EXPECT_NE(error_of(""), "");
}

TEST(CsamPageParser, RejectsDeepNestingWithoutExhaustingTheStack) {
  std::string deep = "{\"x\":";
  for (int i = 0; i < 100000; ++i) deep += "[";
  EXPECT_TRUE(error_of(deep).find("nesting deeper than") != std::string::npos);
}

TEST(CsamPageParser, RejectsAPageOverTheSizeCap) {
  CsamPageParser p([](Asset&&) {}, 10);
  p.feed("{\"a\":");
  EXPECT_THROW(p.feed("123456"), FatalError);
}

TEST(CsamPageParser, RejectsAnAssetWithoutAnId) {
  EXPECT_THROW(parse_assets(R"({"assetListData":{"asset":[{"assetName":"x"}]}})"), FatalError);
  EXPECT_THROW(parse_assets(R"({"assetListData":{"asset":[{"assetId":1.5}]}})"), FatalError);
}

TEST(CsamPageParser, PropagatesAnExceptionFromTheCallback) {
  CsamPageParser p([](Asset&&) { throw std::runtime_error("disk full"); });
  p.feed(fixture("csam_page_last.json"));
  EXPECT_THROW(p.finish(), std::runtime_error);
}

}  // namespace
}  // namespace qi::qualys
