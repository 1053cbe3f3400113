#include "qualys/host_id_set_parser.hpp"

#include <gtest/gtest.h>

#include <utility>

#include "common/error.hpp"
#include "parser_test_support.hpp"

namespace qi::qualys {
namespace {

using testing::fixture;
using Ranges = std::vector<std::pair<std::int64_t, std::int64_t>>;

struct Result {
  Ranges ranges;
  std::optional<std::string> next;
  std::size_t count = 0;
};

Result parse(std::string_view doc) {
  Result r;
  HostIdSetParser p([&](std::int64_t a, std::int64_t b) { r.ranges.emplace_back(a, b); });
  p.feed(doc);
  p.finish();
  r.next = p.next_page_url();
  r.count = p.range_count();
  return r;
}

TEST(HostIdSetParser, ReportsIdsAsSingleRangesAndIdRangesAsGiven) {
  const auto r = parse(fixture("host_list_id_set.xml"));
  EXPECT_EQ(r.ranges, (Ranges{{5001, 5001}, {5003, 5010}, {5020, 5020}, {6000, 6000}}));
  EXPECT_EQ(r.count, 4u);
  EXPECT_FALSE(r.next);
}

TEST(HostIdSetParser, ReadsTheNextPageUrlTrimmedFromItsPadding) {
  const auto r = parse(fixture("host_list_truncated_warning.xml"));
  EXPECT_EQ(r.ranges, (Ranges{{100, 199}}));
  ASSERT_TRUE(r.next);
  EXPECT_EQ(*r.next,
            "https://qualysapi.example.test/api/4.0/fo/asset/host/?action=list&details=None"
            "&truncation_limit=100&cloud_agent_activationkey=0&id_min=200");
}

TEST(HostIdSetParser, ReportsHostListIdsToo) {
  const auto r = parse(
      "<HOST_LIST_OUTPUT><RESPONSE><HOST_LIST><HOST><ID>9</ID><IP>1.2.3.4</IP></HOST>"
      "</HOST_LIST></RESPONSE></HOST_LIST_OUTPUT>");
  EXPECT_EQ(r.ranges, (Ranges{{9, 9}}));
}

TEST(HostIdSetParser, RejectsAMalformedRange) {
  for (const char* bad : {"10-", "-5", "7-3", "a-b", "5"}) {
    const std::string doc = std::string("<HOST_LIST_OUTPUT><RESPONSE><ID_SET><ID_RANGE>") + bad +
                            "</ID_RANGE></ID_SET></RESPONSE></HOST_LIST_OUTPUT>";
    EXPECT_THROW(parse(doc), FatalError) << bad;
  }
}

TEST(HostIdSetParser, ReportsASimpleReturnInsteadOfData) {
  HostIdSetParser p([](std::int64_t, std::int64_t) { FAIL(); });
  p.feed(fixture("simple_return_2001.xml"));
  p.finish();
  ASSERT_TRUE(p.simple_return());
  EXPECT_EQ(p.simple_return()->code, "2001");
}

}  // namespace
}  // namespace qi::qualys
