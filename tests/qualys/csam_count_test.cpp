#include "qualys/csam_count.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "parser_test_support.hpp"

namespace qi::qualys {
namespace {

TEST(CsamCount, ReadsCountAndResponseCode) {
  const CsamCount c = parse_csam_count(testing::fixture("csam_count.json"));
  EXPECT_EQ(c.count, 4321);
  EXPECT_EQ(c.response_code, "SUCCESS");
  EXPECT_EQ(c.response_message, "Valid API Access");
}

TEST(CsamCount, LeavesCountEmptyOnAnErrorBody) {
  const CsamCount c = parse_csam_count(R"({"responseCode":"UNAUTHORIZED","responseMessage":"no"})");
  EXPECT_FALSE(c.count);
  EXPECT_EQ(c.response_code, "UNAUTHORIZED");
}

TEST(CsamCount, ReadsCountsBeyond32Bits) {
  EXPECT_EQ(parse_csam_count(R"({"count":9007199254740993})").count, 9007199254740993);
}

TEST(CsamCount, RejectsMalformedJson) {
  EXPECT_THROW(parse_csam_count(R"({"count":12)"), TransientError);
  EXPECT_THROW(parse_csam_count("[1]"), TransientError);
  EXPECT_THROW(parse_csam_count(""), TransientError);
  EXPECT_THROW(parse_csam_count("{\"responseCode\":\"\xFF\"}"), TransientError);
}

}  // namespace
}  // namespace qi::qualys
