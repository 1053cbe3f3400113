// The request builders spell each call exactly as the jobs always have: these are the paths,
// bodies and query strings Qualys (and qualys-sim) receive.
#include "qualys/requests.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "common/error.hpp"
#include "net/origin.hpp"
#include "qualys/qualys_session.hpp"

namespace qi::qualys {
namespace {

TEST(KbListRequest, AsksForAQidWindowWithItsDetails) {
  const auto request = kb_list_request({.api_version = "/api/2.0",
                                        .details = "All",
                                        .id_min = 10001,
                                        .id_max = 20000,
                                        .modified_after = ""});
  EXPECT_EQ(request.target, "/api/2.0/fo/knowledge_base/vuln/");
  EXPECT_EQ(request.body, "action=list&details=All&id_min=10001&id_max=20000");
}

TEST(KbListRequest, LeavesTheLastWindowOpenAndAsksForChangesSinceATime) {
  const auto request = kb_list_request({.api_version = "/api/2.0",
                                        .details = "Basic",
                                        .id_min = 1,
                                        .id_max = std::nullopt,
                                        .modified_after = "2026-01-02T03:04:05Z"});
  EXPECT_EQ(request.body,
            "action=list&details=Basic&id_min=1&last_modified_after=2026-01-02T03%3A04%3A05Z");
}

TEST(DetectionListRequest, CarriesTheVmSettingsAndAnIdRange) {
  config::VmJobConfig options;
  options.truncation_limit = 250;
  const auto request = detection_list_request(options, {.id_min = 5000, .id_max = 9999});
  EXPECT_EQ(request.target, "/api/5.0/fo/asset/host/vm/detection/");
  EXPECT_EQ(request.body,
            "action=list&output_format=XML&truncation_limit=250&status=New%2CActive%2CRe-Opened&"
            "show_results=0&show_igs=0&include_ignored=0&include_disabled=0&id_min=5000&"
            "id_max=9999");
}

TEST(DetectionListRequest, NamesListedHostsAndTheOptionalFilters) {
  config::VmJobConfig options;
  options.api_version = "/api/3.0";
  options.show_igs = true;
  options.include_ignored = true;
  options.include_disabled = true;
  options.severities = "3-5";
  const auto request = detection_list_request(options, {.ids = "1-5,9"});
  EXPECT_EQ(request.target, "/api/3.0/fo/asset/host/vm/detection/");
  EXPECT_EQ(request.body,
            "action=list&output_format=XML&truncation_limit=1000&status=New%2CActive%2CRe-Opened&"
            "show_results=0&show_igs=1&include_ignored=1&include_disabled=1&severities=3-5&"
            "ids=1-5%2C9");
}

TEST(HostIdListRequest, ListsEveryHostIdWithoutTruncation) {
  const auto request = host_id_list_request("/api/5.0", "");
  EXPECT_EQ(request.target, "/api/5.0/fo/asset/host/");
  EXPECT_EQ(request.body, "action=list&details=None&truncation_limit=0");
}

TEST(HostIdListRequest, ListsOnlyHostsProcessedSinceATime) {
  const auto request = host_id_list_request("/api/5.0", "2026-01-02T03:04:05Z");
  EXPECT_EQ(request.body,
            "action=list&details=None&truncation_limit=0&"
            "vm_processed_after=2026-01-02T03%3A04%3A05Z");
}

constexpr std::string_view kIncludeFields =
    "includeFields=assetId%2CassetUUID%2Caddress%2CassetName%2CnetbiosName%2ClastLoggedOnUser%2C"
    "biosSerialNumber%2CbiosAssetTag%2CoperatingSystem%2Chardware%2ClastModifiedDate%2C"
    "createdDate%2ChostId";

TEST(CsamSearchRequest, StartsFromTheBeginningWithThePageSizeAndTheFields) {
  const auto request = csam_search_request({.filter_json = R"({"filters":[]})"}, 300);
  EXPECT_EQ(request.target,
            "/rest/2.0/search/am/asset?pageSize=300&" + std::string(kIncludeFields));
  EXPECT_EQ(request.body, R"({"filters":[]})");
}

TEST(CsamSearchRequest, ContinuesAfterTheCursorWithChangesSinceATime) {
  const auto request = csam_search_request(
      {.last_seen_asset_id = 67000123, .updated_after = "2026-01-02T03:04:05Z"}, 100);
  EXPECT_EQ(request.target,
            "/rest/2.0/search/am/asset?pageSize=100&lastSeenAssetId=67000123&"
            "assetLastUpdated=2026-01-02T03%3A04%3A05Z&" +
                std::string(kIncludeFields));
  EXPECT_EQ(request.body, "");
}

TEST(CsamCountRequest, CountsEverythingWithoutAQuery) {
  const auto request = csam_count_request({.filter_json = "{}"});
  EXPECT_EQ(request.target, "/rest/2.0/count/am/asset");
  EXPECT_EQ(request.body, "{}");
}

TEST(CsamCountRequest, CountsAboveACursorAndSinceATime) {
  EXPECT_EQ(csam_count_request({.last_seen_asset_id = 42}).target,
            "/rest/2.0/count/am/asset?lastSeenAssetId=42");
  EXPECT_EQ(csam_count_request({.updated_after = "2026-01-02T03:04:05Z"}).target,
            "/rest/2.0/count/am/asset?assetLastUpdated=2026-01-02T03%3A04%3A05Z");
  EXPECT_EQ(csam_count_request({.last_seen_asset_id = 42, .updated_after = "2026-01-02"}).target,
            "/rest/2.0/count/am/asset?lastSeenAssetId=42&assetLastUpdated=2026-01-02");
}

// PagedRequest only needs the session's API origin; no call goes out.
class NoNetwork final : public net::HttpClient {
 public:
  asio::awaitable<void> send(const net::HttpRequest&, net::ResponseSink&) override {
    throw std::logic_error("no request expected");
    co_return;
  }
};

class PagedRequestTest : public ::testing::Test {
 protected:
  boost::asio::io_context io_;
  NoNetwork http_;
  config::QualysConfig config_;
  QualysSession session_{io_.get_executor(), http_,
                         Endpoints{net::parse_origin("https://qualysapi.example.com"),
                                   net::parse_origin("https://gateway.example.com")},
                         config::Credentials{"user", "password", ""}, config_};
  PagedRequest paged_{host_id_list_request("/api/5.0", "")};
};

TEST_F(PagedRequestTest, EndsOnAPageWithoutAWarningUrl) {
  EXPECT_FALSE(paged_.follow(std::nullopt, session_, "host ID list page 1"));
  EXPECT_EQ(paged_.current().target, "/api/5.0/fo/asset/host/");
}

TEST_F(PagedRequestTest, FollowsTheWarningUrlAsQualysGaveItWithoutABody) {
  ASSERT_TRUE(
      paged_.follow("https://qualysapi.example.com/api/5.0/fo/asset/host/?action=list&id_min=1001",
                    session_, "host ID list page 1"));
  EXPECT_EQ(paged_.current().target, "/api/5.0/fo/asset/host/?action=list&id_min=1001");
  EXPECT_EQ(paged_.current().body, "");
}

TEST_F(PagedRequestTest, RefusesAWarningUrlOnAnotherHost) {
  try {
    paged_.follow("https://elsewhere.example.com/api/5.0/fo/asset/host/?id_min=2", session_,
                  "host ID list page 1");
    FAIL() << "followed a URL on another host";
  } catch (const FatalError& error) {
    EXPECT_EQ(std::string(error.what()),
              "host ID list page 1: refusing to follow a WARNING URL that does not point at "
              "qualysapi.example.com over HTTPS (credentials would go elsewhere)");
  }
}

TEST_F(PagedRequestTest, StopsAWarningUrlThatRepeatsThePageJustFetched) {
  const std::string url = "https://qualysapi.example.com/api/5.0/fo/asset/host/?id_min=2";
  ASSERT_TRUE(paged_.follow(url, session_, "page 1"));
  EXPECT_THROW(paged_.follow(url, session_, "page 2"), FatalError);
}

TEST(CsamCursor, MovesToTheCursorThePageHandsBack) {
  CsamCursor cursor(std::nullopt);
  CsamEnvelope envelope;
  envelope.last_seen_asset_id = 120;
  EXPECT_EQ(cursor.advance(envelope, 110), 120);
  EXPECT_EQ(cursor.position(), 120);
}

TEST(CsamCursor, UsesThePagesLastAssetWhenThePageHasNoCursor) {
  CsamCursor cursor(100);
  EXPECT_EQ(cursor.advance(CsamEnvelope{}, 150), 150);
}

TEST(CsamCursor, RefusesACursorBehindThePagesLastAsset) {
  CsamCursor cursor(std::nullopt);
  CsamEnvelope envelope;
  envelope.last_seen_asset_id = 90;
  EXPECT_THROW(cursor.advance(envelope, 110), FatalError);
}

TEST(CsamCursor, RefusesACursorThatDoesNotMove) {
  CsamCursor cursor(200);
  CsamEnvelope envelope;
  envelope.last_seen_asset_id = 200;
  EXPECT_THROW(cursor.advance(envelope, 200), FatalError);
}

}  // namespace
}  // namespace qi::qualys
