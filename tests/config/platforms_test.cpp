#include "config/platforms.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "common/error.hpp"

namespace qi::config {
namespace {

TEST(Platforms, KnowsEveryPlatformOfTheReferenceTable) {
  EXPECT_EQ(known_platforms().size(), 13u);
  auto ksa = platform_urls("KSA1");
  ASSERT_TRUE(ksa);
  EXPECT_EQ(ksa->api_url, "https://qualysapi.qg1.apps.qualysksa.com");
  EXPECT_EQ(ksa->gateway_url, "https://gateway.qg1.apps.qualysksa.com");
}

TEST(Platforms, LooksUpNamesCaseInsensitively) {
  auto us1 = platform_urls("us1");
  ASSERT_TRUE(us1);
  EXPECT_EQ(us1->api_url, "https://qualysapi.qualys.com");
  EXPECT_EQ(us1->gateway_url, "https://gateway.qg1.apps.qualys.com");
  EXPECT_FALSE(platform_urls("US9"));
}

TEST(Platforms, MapsTheUs1RegionUrlToItsRealApiHost) {
  PlatformUrls urls = urls_for_region("qg1.apps.qualys.com");
  EXPECT_EQ(urls.api_url, "https://qualysapi.qualys.com");
  EXPECT_EQ(urls.gateway_url, "https://gateway.qg1.apps.qualys.com");
}

TEST(Platforms, MapsTheEu1RegionUrlToItsRealApiHost) {
  PlatformUrls urls = urls_for_region("qg1.apps.qualys.eu");
  EXPECT_EQ(urls.api_url, "https://qualysapi.qualys.eu");
  EXPECT_EQ(urls.gateway_url, "https://gateway.qg1.apps.qualys.eu");
}

TEST(Platforms, MapsAPatternRegionThroughTheTable) {
  PlatformUrls urls = urls_for_region("qg2.apps.qualys.com");
  EXPECT_EQ(urls.api_url, "https://qualysapi.qg2.apps.qualys.com");
  EXPECT_EQ(urls.gateway_url, "https://gateway.qg2.apps.qualys.com");
}

TEST(Platforms, AcceptsALeadingHttpsAndTrailingSlashOnTheRegion) {
  PlatformUrls urls = urls_for_region("https://qg1.apps.qualys.com/");
  EXPECT_EQ(urls.api_url, "https://qualysapi.qualys.com");
}

TEST(Platforms, FallsBackToTheLegacyPatternForUnknownRegions) {
  PlatformUrls urls = urls_for_region("qg9.apps.example.net");
  EXPECT_EQ(urls.api_url, "https://qualysapi.qg9.apps.example.net");
  EXPECT_EQ(urls.gateway_url, "https://gateway.qg9.apps.example.net");
}

TEST(Platforms, RejectsARegionThatIsNotAHostName) {
  EXPECT_THROW(urls_for_region(""), std::invalid_argument);
  EXPECT_THROW(urls_for_region("qg1.apps.qualys.com/path"), std::invalid_argument);
}

Config config_with(std::string platform, std::string api, std::string gateway) {
  Config config;
  config.source = "/etc/qualys-insight/config.yaml";
  config.qualys.platform = std::move(platform);
  config.qualys.api_url = std::move(api);
  config.qualys.gateway_url = std::move(gateway);
  return config;
}

Credentials credentials_with_region(std::string region) {
  return Credentials{"user", "secret", std::move(region)};
}

TEST(ResolveEndpoints, ExplicitUrlsWinOverPlatformAndRegion) {
  auto urls = resolve_endpoints(config_with("EU1", "https://api.example", "https://gw.example"),
                                credentials_with_region("qg2.apps.qualys.com"));
  EXPECT_EQ(urls.api_url, "https://api.example");
  EXPECT_EQ(urls.gateway_url, "https://gw.example");
}

TEST(ResolveEndpoints, EachExplicitUrlWinsIndependently) {
  auto urls =
      resolve_endpoints(config_with("EU1", "https://api.example", ""), credentials_with_region(""));
  EXPECT_EQ(urls.api_url, "https://api.example");
  EXPECT_EQ(urls.gateway_url, "https://gateway.qg1.apps.qualys.eu");
}

TEST(ResolveEndpoints, PlatformWinsOverTheCredentialsRegion) {
  auto urls =
      resolve_endpoints(config_with("EU1", "", ""), credentials_with_region("qg2.apps.qualys.com"));
  EXPECT_EQ(urls.api_url, "https://qualysapi.qualys.eu");
}

TEST(ResolveEndpoints, UsesTheCredentialsRegionLast) {
  auto urls =
      resolve_endpoints(config_with("", "", ""), credentials_with_region("qg1.apps.qualys.com"));
  EXPECT_EQ(urls.api_url, "https://qualysapi.qualys.com");
  EXPECT_EQ(urls.gateway_url, "https://gateway.qg1.apps.qualys.com");
}

TEST(ResolveEndpoints, FailsNamingTheConfigFileAndPlatformKeyWhenNothingGivesAUrl) {
  try {
    resolve_endpoints(config_with("", "", ""), credentials_with_region(""));
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), "/etc/qualys-insight/config.yaml");
    EXPECT_EQ(e.key(), "qualys.platform");
  }
}

}  // namespace
}  // namespace qi::config
