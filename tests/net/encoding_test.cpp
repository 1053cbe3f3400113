// Form encoding, Basic credentials, base URL and proxy URL parsing.
#include <gtest/gtest.h>

#include <stdexcept>

#include "net/form_encoding.hpp"
#include "net/origin.hpp"
#include "net/proxy_tunnel.hpp"

namespace qi::net {
namespace {

TEST(FormEncode, EncodesAPasswordWithReservedCharactersExactly) {
  const std::string password = "a&b+c%d=e:f!g~h^i@j$k/l m\"n";
  EXPECT_EQ(form_encode({{"username", "jdoe"}, {"password", password}}),
            "username=jdoe&password=a%26b%2Bc%25d%3De%3Af%21g~h%5Ei%40j%24k%2Fl+m%22n");
}

TEST(FormEncode, KeepsUnreservedCharactersAsTheyAre) {
  EXPECT_EQ(form_encode({{"k", "AZaz09-._~"}}), "k=AZaz09-._~");
}

TEST(FormEncode, EncodesNamesAndNonAsciiBytesAsUpperCaseHex) {
  EXPECT_EQ(form_encode({{"a b", "\xC3\xA9\x01"}}), "a+b=%C3%A9%01");
}

TEST(FormEncode, JoinsFieldsWithAmpersandAndKeepsEmptyValues) {
  EXPECT_EQ(form_encode({{"action", "list"}, {"ids", ""}, {"details", "All"}}),
            "action=list&ids=&details=All");
  EXPECT_EQ(form_encode({}), "");
}

TEST(UrlEncodeComponent, EncodesSpaceAsPercent20) {
  EXPECT_EQ(url_encode_component("2024-01-01T00:00:00Z a+b"), "2024-01-01T00%3A00%3A00Z%20a%2Bb");
}

TEST(BasicAuthorization, Base64EncodesUserColonPassword) {
  EXPECT_EQ(basic_authorization("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  EXPECT_EQ(basic_authorization("u", "p:w"), "Basic dTpwOnc=");
}

TEST(ParseOrigin, TakesHostAndDefaultPort) {
  EXPECT_EQ(parse_origin("https://qualysapi.qualys.com"), (Origin{"qualysapi.qualys.com", 443}));
  EXPECT_EQ(parse_origin("https://qualysapi.qg2.apps.qualys.com/"),
            (Origin{"qualysapi.qg2.apps.qualys.com", 443}));
}

TEST(ParseOrigin, TakesAnExplicitPortAndLowerCasesTheHost) {
  EXPECT_EQ(parse_origin("https://Gateway.QG1.apps.qualys.com:8443/"),
            (Origin{"gateway.qg1.apps.qualys.com", 8443}));
}

TEST(ParseOrigin, TakesIpLiterals) {
  EXPECT_EQ(parse_origin("https://127.0.0.1:4443"), (Origin{"127.0.0.1", 4443}));
  EXPECT_EQ(parse_origin("https://[::1]:4443/"), (Origin{"::1", 4443}));
}

TEST(ParseOrigin, RejectsPlainHttp) {
  try {
    parse_origin("http://qualysapi.qualys.com");
    FAIL() << "accepted http";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("must use https"), std::string::npos) << e.what();
  }
}

TEST(ParseOrigin, RejectsPathsQueriesGarbageAndBadPorts) {
  EXPECT_THROW(parse_origin("https://qualysapi.qualys.com/api/2.0/"), std::invalid_argument);
  EXPECT_THROW(parse_origin("https://qualysapi.qualys.com/?x=1"), std::invalid_argument);
  EXPECT_THROW(parse_origin("qualysapi.qualys.com"), std::invalid_argument);
  EXPECT_THROW(parse_origin("https://qualysapi.qualys.com:0"), std::invalid_argument);
  EXPECT_THROW(parse_origin("https://qualysapi.qualys.com:99999"), std::invalid_argument);
  EXPECT_THROW(parse_origin(""), std::invalid_argument);
}

TEST(ParseOrigin, RejectsUserinfoWithoutRepeatingIt) {
  try {
    parse_origin("https://jdoe:hunter2@qualysapi.qualys.com");
    FAIL() << "accepted userinfo";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
  }
}

TEST(DescribeTarget, DropsTheQueryString) {
  const Origin origin{"qualysapi.qualys.com", 443};
  EXPECT_EQ(describe_target(origin, "/api/2.0/fo/session/?action=login&password=x"),
            "qualysapi.qualys.com/api/2.0/fo/session/");
  EXPECT_EQ(describe_target(Origin{"::1", 8443}, "/a#frag"), "[::1]:8443/a");
}

TEST(HostHeader, NamesThePortOnlyWhenItIsNot443) {
  EXPECT_EQ(host_header_value(Origin{"qualysapi.qualys.com", 443}), "qualysapi.qualys.com");
  EXPECT_EQ(host_header_value(Origin{"127.0.0.1", 8443}), "127.0.0.1:8443");
  EXPECT_EQ(connect_authority(Origin{"qualysapi.qualys.com", 443}), "qualysapi.qualys.com:443");
}

TEST(ParseProxyUrl, PercentDecodesTheCredentials) {
  const ProxyConfig proxy = parse_proxy_url("http://dom%5Cuser:p%40ss%3Aw@proxy.example:3128");
  EXPECT_EQ(proxy.host, "proxy.example");
  EXPECT_EQ(proxy.port, 3128);
  EXPECT_EQ(proxy.authorization, basic_authorization("dom\\user", "p@ss:w"));
}

TEST(ParseProxyUrl, HasNoAuthorizationWithoutUserinfo) {
  const ProxyConfig proxy = parse_proxy_url("http://10.0.0.1:8080/");
  EXPECT_EQ(proxy.host, "10.0.0.1");
  EXPECT_EQ(proxy.port, 8080);
  EXPECT_TRUE(proxy.authorization.empty());
}

TEST(ParseProxyUrl, RejectsOtherSchemesWithoutRepeatingThePassword) {
  try {
    parse_proxy_url("https://u:topsecret@proxy.example:3128");
    FAIL() << "accepted https proxy";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).find("topsecret"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace qi::net
