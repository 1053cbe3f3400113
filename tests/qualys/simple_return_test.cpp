#include "qualys/simple_return.hpp"

#include <gtest/gtest.h>

#include "parser_test_support.hpp"

namespace qi::qualys {
namespace {

using testing::fixture;
using Items = std::vector<std::pair<std::string, std::string>>;

TEST(SimpleReturn, ReadsCodeTrimmedTextAndItemsOf1960) {
  const auto r = parse_simple_return(fixture("simple_return_1960.xml"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, "1960");
  EXPECT_EQ(r->text,
            "This API cannot be run again until 2 currently running API instances have finished.");
  EXPECT_EQ(r->items, (Items{{"CALLS_TO_FINISH", "2"}}));
}

TEST(SimpleReturn, ReadsSecondsToWaitOf1965) {
  const auto r = parse_simple_return(fixture("simple_return_1965.xml"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, "1965");
  EXPECT_EQ(r->items, (Items{{"SECONDS_TO_WAIT", "307"}}));
}

TEST(SimpleReturn, AcceptsABodyWithoutXmlDeclaration) {
  const auto r = parse_simple_return(fixture("simple_return_1905_no_declaration.xml"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, "1905");
  EXPECT_EQ(r->text,
            "parameter id_min has invalid value: x1 (neither a positive integer nor a range: x1)");
  EXPECT_TRUE(r->items.empty());
}

TEST(SimpleReturn, ReadsAnAccountErrorSentWithHttp200) {
  const auto r = parse_simple_return(fixture("simple_return_2001.xml"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, "2001");
  EXPECT_EQ(r->text, "This account has expired.");
}

TEST(SimpleReturn, GivesGenericReturnTheCode999) {
  const auto r = parse_simple_return(fixture("generic_return_999.xml"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, "999");
  EXPECT_EQ(r->text, "Internal error. Please contact customer support.");
}

TEST(SimpleReturn, TakesTheGenericReturnNumberWhenGiven) {
  const auto r = parse_simple_return(
      "<GENERIC_RETURN><RETURN status=\"FAILED\" number=\"1234\">Nope</RETURN></GENERIC_RETURN>");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, "1234");
}

TEST(SimpleReturn, ReadsAQpsServiceResponse) {
  const auto r = parse_simple_return(fixture("qps_invalid_credentials.xml"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, "INVALID_CREDENTIALS");
  EXPECT_EQ(r->text, "Authentication failed");
}

TEST(SimpleReturn, IsAbsentForADataDocument) {
  EXPECT_FALSE(parse_simple_return(fixture("kb_empty_no_vuln_list.xml")));
}

TEST(SimpleReturn, IsAbsentForABodyThatIsNotXml) {
  EXPECT_FALSE(parse_simple_return("<html><body>Bad Gateway"));
  EXPECT_FALSE(parse_simple_return("{\"error\":1}"));
  EXPECT_FALSE(parse_simple_return(""));
}

TEST(SimpleReturn, IsAbsentForATruncatedSimpleReturn) {
  const std::string doc = fixture("simple_return_1960.xml");
  EXPECT_FALSE(parse_simple_return(std::string_view(doc).substr(0, doc.size() - 20)));
}

}  // namespace
}  // namespace qi::qualys
