#include "qualys/kb_parser.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "parser_test_support.hpp"

namespace qi::qualys {
namespace {

using testing::fixture;
using testing::parse_kb;
using Strings = std::vector<std::string>;

TEST(KbParser, EmitsEveryVulnInDocumentOrder) {
  const auto r = parse_kb(fixture("kb_multi_cve.xml"));
  ASSERT_EQ(r.vulns.size(), 3u);
  EXPECT_EQ(r.vulns[0].qid, 90001);
  EXPECT_EQ(r.vulns[1].qid, 90002);
  EXPECT_EQ(r.vulns[2].qid, 90003);
  EXPECT_EQ(r.vulns[0].category, "Web server");
  EXPECT_EQ(r.vulns[0].severity_level, "4");
}

TEST(KbParser, EmitsEveryCveOfAQid) {
  const auto r = parse_kb(fixture("kb_multi_cve.xml"));
  ASSERT_EQ(r.vulns.size(), 3u);
  EXPECT_EQ(r.vulns[0].cves, (Strings{"CVE-2026-10001", "CVE-2026-10002", "CVE-2026-10003"}));
  EXPECT_EQ(r.vulns[1].cves, Strings{});
  EXPECT_EQ(r.vulns[2].cves, Strings{"CVE-2025-99999"});
}

TEST(KbParser, IgnoresVendorReferenceIdsAndSoftware) {
  for (const auto& v : parse_kb(fixture("kb_multi_cve.xml")).vulns) {
    for (const auto& c : v.cves) EXPECT_TRUE(c.starts_with("CVE-")) << c;
  }
}

TEST(KbParser, KeepsCdataTitleVerbatim) {
  const auto r = parse_kb(fixture("kb_multi_cve.xml"));
  EXPECT_EQ(r.vulns.at(0).title, "Example \"Quoted\" Server, Multiple Flaws");
}

TEST(KbParser, DropsWhitespaceAroundACdataSectionButKeepsItInside) {
  const auto r = parse_kb(fixture("kb_multi_cve.xml"));
  EXPECT_EQ(r.vulns.at(1).title, "  Padded <B>Title</B> & more  ");
}

TEST(KbParser, DecodesEntitiesInTextOutsideCdata) {
  const auto r = parse_kb(fixture("kb_multi_cve.xml"));
  EXPECT_EQ(r.vulns.at(2).title, "Plain & simple title");
}

TEST(KbParser, ReportsTheLastQidAndTheCount) {
  KbParser p([](KbVuln&&) {});
  p.feed(fixture("kb_multi_cve.xml"));
  p.finish();
  EXPECT_EQ(p.vuln_count(), 3u);
  EXPECT_EQ(p.last_qid(), 90003);
  EXPECT_FALSE(p.simple_return());
}

TEST(KbParser, TreatsAResponseWithoutVulnListAsZeroVulns) {
  const auto r = parse_kb(fixture("kb_empty_no_vuln_list.xml"));
  EXPECT_TRUE(r.vulns.empty());
  EXPECT_FALSE(r.simple_return);
  EXPECT_FALSE(r.last_qid);
}

TEST(KbParser, EmitsEachVulnBeforeTheDocumentEnds) {
  const std::string doc = fixture("kb_multi_cve.xml");
  std::size_t seen = 0;
  KbParser p([&](KbVuln&&) { ++seen; });
  p.feed(std::string_view(doc).substr(0, doc.find("</VULN>") + 7));
  EXPECT_EQ(seen, 1u);
}

TEST(KbParser, ReportsASimpleReturnInsteadOfData) {
  const auto r = parse_kb(fixture("simple_return_1965.xml"));
  EXPECT_TRUE(r.vulns.empty());
  ASSERT_TRUE(r.simple_return);
  EXPECT_EQ(r.simple_return->code, "1965");
}

TEST(KbParser, RejectsAnUnexpectedRootElement) {
  EXPECT_THROW(parse_kb(fixture("hld_two_hosts.xml")), FatalError);
}

TEST(KbParser, RejectsAVulnWithoutANumericQid) {
  EXPECT_THROW(parse_kb("<KNOWLEDGE_BASE_VULN_LIST_OUTPUT><RESPONSE><VULN_LIST><VULN><QID>x1</QID>"
                        "</VULN></VULN_LIST></RESPONSE></KNOWLEDGE_BASE_VULN_LIST_OUTPUT>"),
               FatalError);
}

TEST(KbParser, PropagatesAnExceptionFromTheCallback) {
  KbParser p([](KbVuln&&) { throw std::runtime_error("disk full"); });
  EXPECT_THROW(p.feed(fixture("kb_multi_cve.xml")), std::runtime_error);
}

}  // namespace
}  // namespace qi::qualys

namespace qi::qualys {
namespace {

TEST(KbParser, StreamsAManyVulnDocumentFedInNetworkSizedChunks) {
  std::string doc = "<KNOWLEDGE_BASE_VULN_LIST_OUTPUT><RESPONSE><VULN_LIST>";
  constexpr int kVulns = 50000;
  for (int i = 1; i <= kVulns; ++i) {
    doc += "<VULN><QID>" + std::to_string(i) + "</QID><TITLE><![CDATA[t" + std::to_string(i) +
           "]]></TITLE><DIAGNOSIS><![CDATA[" + std::string(100, 'd') +
           "]]></DIAGNOSIS><CVE_LIST><CVE><ID><![CDATA[CVE-1-" + std::to_string(i) +
           "]]></ID></CVE></CVE_LIST></VULN>";
  }
  doc += "</VULN_LIST></RESPONSE></KNOWLEDGE_BASE_VULN_LIST_OUTPUT>";
  std::int64_t expected = 0;
  bool in_order = true;
  KbParser p([&](KbVuln&& v) { in_order = in_order && v.qid == ++expected && v.cves.size() == 1; });
  for (std::size_t i = 0; i < doc.size(); i += 16384)
    p.feed(std::string_view(doc).substr(i, 16384));
  p.finish();
  EXPECT_EQ(p.vuln_count(), static_cast<std::size_t>(kVulns));
  EXPECT_TRUE(in_order);
  EXPECT_EQ(p.last_qid(), kVulns);
}

TEST(KbParser, RefusesATitleWhoseChildElementsAddUpPastTheTextLimit) {
  // Each child's text is under the parser's per-element count; the collected TITLE is not.
  std::string doc =
      "<KNOWLEDGE_BASE_VULN_LIST_OUTPUT><RESPONSE><VULN_LIST><VULN><QID>1</QID><TITLE>";
  const std::string child = "<B>" + std::string(std::size_t{1} << 20, 't') + "</B>";
  for (int i = 0; i < 5; ++i) doc += child;
  doc += "</TITLE></VULN></VULN_LIST></RESPONSE></KNOWLEDGE_BASE_VULN_LIST_OUTPUT>";
  try {
    parse_kb(doc, 65536);
    FAIL() << "not refused";
  } catch (const RefusedDocument& e) {
    EXPECT_NE(std::string(e.what()).find("longer than 4194304 bytes"), std::string::npos)
        << e.what();
  }
}

TEST(KbParser, RefusesAVulnWithMoreCvesThanAnyRealQid) {
  // A VULN is held whole until its end tag: an endless CVE_LIST must not grow it without bound.
  std::string doc =
      "<KNOWLEDGE_BASE_VULN_LIST_OUTPUT><RESPONSE><VULN_LIST><VULN><QID>7</QID><CVE_LIST>";
  for (int i = 0; i < 65537; ++i) doc += "<CVE><ID>C</ID></CVE>";
  doc += "</CVE_LIST></VULN></VULN_LIST></RESPONSE></KNOWLEDGE_BASE_VULN_LIST_OUTPUT>";
  try {
    parse_kb(doc, 65536);
    FAIL() << "not refused";
  } catch (const RefusedDocument& e) {
    EXPECT_NE(std::string(e.what()).find("QID 7 lists more than 65536 CVEs"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace qi::qualys
