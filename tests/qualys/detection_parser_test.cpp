#include "qualys/detection_parser.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "parser_test_support.hpp"

namespace qi::qualys {
namespace {

using testing::fixture;
using testing::parse_detections;
using Qids = std::vector<std::int64_t>;

TEST(DetectionParser, EmitsOneRecordPerHostWithItsQids) {
  const auto r = parse_detections(fixture("hld_two_hosts.xml"));
  ASSERT_EQ(r.hosts.size(), 3u);
  EXPECT_EQ(r.hosts[0].host_id, 7100001);
  EXPECT_EQ(r.hosts[0].qids, (Qids{90001, 90003}));
  EXPECT_EQ(r.hosts[1].host_id, 7100002);
  EXPECT_EQ(r.hosts[1].qids, (Qids{90002, 90002}));
}

TEST(DetectionParser, LeavesQgHostidEmptyForIpTrackedHosts) {
  const auto r = parse_detections(fixture("hld_two_hosts.xml"));
  ASSERT_EQ(r.hosts.size(), 3u);
  EXPECT_EQ(r.hosts[0].qg_hostid, "");
  EXPECT_EQ(r.hosts[1].qg_hostid, "0a1b2c3d-0000-4000-8000-000000000002");
}

TEST(DetectionParser, EmitsAHostWithoutDetections) {
  const auto r = parse_detections(fixture("hld_two_hosts.xml"));
  ASSERT_EQ(r.hosts.size(), 3u);
  EXPECT_EQ(r.hosts[2].host_id, 7100003);
  EXPECT_TRUE(r.hosts[2].qids.empty());
}

TEST(DetectionParser, IgnoresTagLikeTextInsideResults) {
  for (const auto& h : parse_detections(fixture("hld_two_hosts.xml")).hosts) {
    for (auto q : h.qids) EXPECT_NE(q, 12345);
  }
}

TEST(DetectionParser, HasNoNextPageWithoutAWarning) {
  const auto r = parse_detections(fixture("hld_two_hosts.xml"));
  EXPECT_FALSE(r.next_page_url);
  EXPECT_EQ(r.warning_code, "");
}

TEST(DetectionParser, ReadsTheNextPageUrlFromWarning1980) {
  const auto r = parse_detections(fixture("hld_truncated_warning.xml"));
  ASSERT_EQ(r.hosts.size(), 1u);
  EXPECT_EQ(r.hosts[0].qg_hostid, "0a1b2c3d-0000-4000-8000-000000000099");
  EXPECT_EQ(r.warning_code, "1980");
  EXPECT_EQ(r.warning_text, "1 record limit exceeded. Use URL to get next batch of\nresults.");
  ASSERT_TRUE(r.next_page_url);
  EXPECT_EQ(*r.next_page_url,
            "https://qualysapi.example.test/api/5.0/fo/asset/host/vm/detection/"
            "?action=list&truncation_limit=1&show_igs=0&id_min=7200002");
}

TEST(DetectionParser, ReportsAWarningWithAnotherCodeWithoutANextPage) {
  const auto r = parse_detections(
      "<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><WARNING><CODE> 1234 </CODE><TEXT>t</TEXT>"
      "<URL>https://x.test/</URL></WARNING></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>");
  EXPECT_EQ(r.warning_code, "1234");
  EXPECT_FALSE(r.next_page_url);
}

TEST(DetectionParser, TreatsAResponseWithoutHostListAsZeroHosts) {
  DetectionParser p([](DetectionHost&&) {});
  p.feed(fixture("hld_empty_no_host_list.xml"));
  p.finish();
  EXPECT_EQ(p.host_count(), 0u);
  EXPECT_FALSE(p.simple_return());
  EXPECT_FALSE(p.next_page_url());
}

TEST(DetectionParser, CountsHosts) {
  DetectionParser p([](DetectionHost&&) {});
  p.feed(fixture("hld_two_hosts.xml"));
  p.finish();
  EXPECT_EQ(p.host_count(), 3u);
}

TEST(DetectionParser, ReportsAQpsServiceResponseInsteadOfData) {
  const auto r = parse_detections(fixture("qps_invalid_credentials.xml"));
  EXPECT_TRUE(r.hosts.empty());
  ASSERT_TRUE(r.simple_return);
  EXPECT_EQ(r.simple_return->code, "INVALID_CREDENTIALS");
}

TEST(DetectionParser, RejectsAHostWithoutAnId) {
  EXPECT_THROW(parse_detections("<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST><HOST>"
                                "</HOST></HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>"),
               FatalError);
}

TEST(DetectionParser, FailsWhenTheBodyIsTruncatedAfterSomeHosts) {
  const std::string doc = fixture("hld_two_hosts.xml");
  const std::string cut = doc.substr(0, doc.rfind("</HOST>") + 7);
  EXPECT_THROW(parse_detections(cut), TransientError);
}

TEST(DetectionParser, RefusesAHostWithMoreDetectionsThanThereAreQids) {
  // A HOST is held whole until its end tag: an endless DETECTION_LIST must not grow it unbounded.
  std::string doc =
      "<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST><HOST><ID>5</ID><DETECTION_LIST>";
  const std::string_view detection = "<DETECTION><QID>1</QID></DETECTION>";
  doc.reserve(doc.size() + detection.size() * ((std::size_t{1} << 20) + 1) + 100);
  for (std::size_t i = 0; i <= (std::size_t{1} << 20); ++i) doc += detection;
  doc += "</DETECTION_LIST></HOST></HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>";
  try {
    parse_detections(doc, 1 << 20);
    FAIL() << "not refused";
  } catch (const RefusedDocument& e) {
    EXPECT_NE(std::string(e.what()).find("host 5 has more than 1048576 detections"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace qi::qualys
