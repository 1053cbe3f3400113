#include "qualys/gateway_auth.hpp"

#include <gtest/gtest.h>

namespace qi::qualys {
namespace {

TEST(JwtExpiry, ReadsTheExpClaimOfTheTokenPayload) {
  // header {"alg":"HS256"} . payload {"sub":"u","exp":1900000000} . signature
  const std::string token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1IiwiZXhwIjoxOTAwMDAwMDAwfQ.c2ln";
  EXPECT_EQ(jwt_expiry(token), 1900000000);
}

TEST(JwtExpiry, IsEmptyForATokenWithoutExp) {
  EXPECT_EQ(jwt_expiry("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln"), std::nullopt);
}

TEST(JwtExpiry, IsEmptyForSomethingThatIsNotAToken) {
  EXPECT_EQ(jwt_expiry("not a token"), std::nullopt);
  EXPECT_EQ(jwt_expiry("a.b"), std::nullopt);
  EXPECT_EQ(jwt_expiry("a.%%%.c"), std::nullopt);
}

}  // namespace
}  // namespace qi::qualys
