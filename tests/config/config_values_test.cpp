// Value checks of single config keys (job_fields.hpp, url_checks.hpp).
#include <gtest/gtest.h>

#include "config/job_fields.hpp"
#include "config/url_checks.hpp"

namespace qi::config {
namespace {

TEST(ConfigValues, AcceptsApiVersionPrefixes) {
  EXPECT_FALSE(api_version_problem("/api/5.0"));
  EXPECT_FALSE(api_version_problem("/api/10.25"));
  for (const char* bad : {"5.0", "/api/5", "/api/5.", "/api/.0", "/api/5.0/", "api/5.0"}) {
    EXPECT_TRUE(api_version_problem(bad)) << bad;
  }
}

TEST(ConfigValues, NormalizesAStatusList) {
  std::string normalized;
  EXPECT_FALSE(status_problem("New, Active ,Re-Opened", normalized));
  EXPECT_EQ(normalized, "New,Active,Re-Opened");
  EXPECT_TRUE(status_problem("New,Closed", normalized));
  EXPECT_TRUE(status_problem("", normalized));
}

TEST(ConfigValues, AcceptsSeverityLists) {
  EXPECT_FALSE(severities_problem(""));
  EXPECT_FALSE(severities_problem("3-5"));
  EXPECT_FALSE(severities_problem("1,4-5"));
  EXPECT_TRUE(severities_problem("0-5"));
  EXPECT_TRUE(severities_problem("5-3"));
  EXPECT_TRUE(severities_problem("high"));
}

TEST(ConfigValues, RedactsUserinfoOfAUrl) {
  EXPECT_EQ(redact_userinfo("http://bob:s3cr%40t@proxy:3128"), "http://***@proxy:3128");
  EXPECT_EQ(redact_userinfo("http://proxy:3128"), "http://proxy:3128");
}

TEST(ConfigValues, ChecksHttpsUrls) {
  EXPECT_FALSE(https_url_problem("https://qualysapi.qualys.com"));
  EXPECT_FALSE(https_url_problem("https://127.0.0.1:8443"));
  EXPECT_TRUE(https_url_problem("http://qualysapi.qualys.com"));
  EXPECT_TRUE(https_url_problem("https://u:p@qualysapi.qualys.com"));
  EXPECT_TRUE(https_url_problem("https://"));
  EXPECT_TRUE(https_url_problem("https://host:99999"));
}

TEST(ConfigValues, ChecksProxyUrls) {
  EXPECT_FALSE(proxy_url_problem("http://proxy.example:3128"));
  EXPECT_FALSE(proxy_url_problem("http://user:p@ss@proxy.example:3128"));
  EXPECT_TRUE(proxy_url_problem("http://proxy.example"));
  EXPECT_TRUE(proxy_url_problem("socks5://proxy.example:1080"));
}

}  // namespace
}  // namespace qi::config
