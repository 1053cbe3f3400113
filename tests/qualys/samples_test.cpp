// Every file of ../shared/samples/qualys through its parser, with values read off the files.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "common/error.hpp"
#include "parser_test_support.hpp"
#include "qualys/csam_count.hpp"
#include "qualys/csam_page_parser.hpp"
#include "qualys/host_id_set_parser.hpp"
#include "qualys/simple_return.hpp"

namespace qi::qualys {
namespace {

using testing::parse_detections;
using testing::parse_kb;
using testing::read_file;
using Qids = std::vector<std::int64_t>;
using Strings = std::vector<std::string>;
using Items = std::vector<std::pair<std::string, std::string>>;

std::string sample(const char* name) {
  return read_file(testing::samples_dir() / name);
}

#define REQUIRE_SAMPLES() \
  if (testing::samples_dir().empty()) GTEST_SKIP() << "no ../shared/samples/qualys"

TEST(Samples, KbMultiTrimmedHasSixVulnsWithTheirCves) {
  REQUIRE_SAMPLES();
  const auto r = parse_kb(sample("kb_vuln_list_multi_trimmed.xml"));
  ASSERT_EQ(r.vulns.size(), 6u);
  Qids qids;
  for (const auto& v : r.vulns) qids.push_back(v.qid);
  EXPECT_EQ(qids, (Qids{6, 45017, 150001, 150272, 150375, 150400}));
  EXPECT_EQ(r.vulns[0].title, "DNS Host Name");
  EXPECT_EQ(r.vulns[0].category, "Information gathering");
  EXPECT_EQ(r.vulns[0].severity_level, "1");
  EXPECT_TRUE(r.vulns[0].cves.empty());
  EXPECT_EQ(r.vulns[2].title, "Reflected Cross-Site Scripting (XSS) Vulnerabilities");
  EXPECT_EQ(r.vulns[2].severity_level, "5");
  EXPECT_EQ(r.vulns[3].cves, (Strings{"CVE-2019-11041", "CVE-2019-11042"}));
  EXPECT_EQ(r.vulns[5].title, "Apache HTTP Server HTTP/2 Method injection (CVE-2021-33193)");
  EXPECT_EQ(r.vulns[5].category, "Web Application");
  EXPECT_EQ(r.vulns[5].cves, Strings{"CVE-2021-33193"});
  EXPECT_EQ(r.last_qid, 150400);
  EXPECT_EQ(parse_kb(sample("kb_vuln_list_multi_trimmed.xml"), 1).vulns.size(), 6u);
}

TEST(Samples, KbSingleCveWithKeepAliveComment) {
  REQUIRE_SAMPLES();
  const auto r = parse_kb(sample("kb_vuln_list_single_cve_keepalive.xml"));
  ASSERT_EQ(r.vulns.size(), 1u);
  EXPECT_EQ(r.vulns[0].qid, 316760);
  EXPECT_EQ(
      r.vulns[0].title,
      "Cisco IOS XE Software Command Injection Vulnerability (cisco-sa-iosxe-cmdinj-2MzhjM6K)");
  EXPECT_EQ(r.vulns[0].category, "Cisco");
  EXPECT_EQ(r.vulns[0].severity_level, "3");
  EXPECT_EQ(r.vulns[0].cves, Strings{"CVE-2020-3403"});
}

TEST(Samples, KbEmptyUnknownIdHasNoVulns) {
  REQUIRE_SAMPLES();
  const auto r = parse_kb(sample("kb_vuln_list_empty_unknown_id.xml"));
  EXPECT_TRUE(r.vulns.empty());
  EXPECT_FALSE(r.simple_return);
}

TEST(Samples, HldMultiDetectionHasOneHostWithThreeQids) {
  REQUIRE_SAMPLES();
  const auto r = parse_detections(sample("hld_xml_multi_detection_fixture.xml"));
  ASSERT_EQ(r.hosts.size(), 1u);
  EXPECT_EQ(r.hosts[0].host_id, 6506432);
  EXPECT_EQ(r.hosts[0].qg_hostid, "");
  EXPECT_EQ(r.hosts[0].qids, (Qids{38170, 38173, 38601}));
  EXPECT_FALSE(r.next_page_url);
}

TEST(Samples, HldEmptyHasNoHosts) {
  REQUIRE_SAMPLES();
  const auto r = parse_detections(sample("hld_xml_empty_no_host_list.xml"));
  EXPECT_TRUE(r.hosts.empty());
  EXPECT_FALSE(r.simple_return);
}

TEST(Samples, HldTruncatedWarningGivesTheNextPage) {
  REQUIRE_SAMPLES();
  const auto r = parse_detections(sample("hld_xml_truncated_warning_guide.xml"));
  ASSERT_EQ(r.hosts.size(), 1u);
  EXPECT_EQ(r.hosts[0].host_id, 4203254);
  EXPECT_EQ(r.hosts[0].qids, Qids{11});
  EXPECT_EQ(r.warning_code, "1980");
  EXPECT_EQ(r.warning_text, "100 record limit exceeded. Use URL to get next batch of\nresults.");
  EXPECT_EQ(r.next_page_url,
            "https://qualysapi.qualys.com/api/5.0/fo/asset/host/vm/detection/"
            "?action=list&truncation_limit=100&id_min=5641289");
}

std::vector<std::pair<std::int64_t, std::int64_t>> ranges_of(const std::string& doc,
                                                             std::optional<std::string>* next) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  HostIdSetParser p([&](std::int64_t a, std::int64_t b) { out.emplace_back(a, b); });
  p.feed(doc);
  p.finish();
  *next = p.next_page_url();
  return out;
}

TEST(Samples, HostListIdSetHasOneId) {
  REQUIRE_SAMPLES();
  std::optional<std::string> next;
  EXPECT_EQ(ranges_of(sample("host_list_details_none_id_set.xml"), &next),
            (std::vector<std::pair<std::int64_t, std::int64_t>>{{107800671, 107800671}}));
  EXPECT_FALSE(next);
}

TEST(Samples, HostListTruncatedWarningGivesTheTrimmedUrl) {
  REQUIRE_SAMPLES();
  std::optional<std::string> next;
  EXPECT_EQ(ranges_of(sample("host_list_truncated_warning_guide.xml"), &next),
            (std::vector<std::pair<std::int64_t, std::int64_t>>{{135151, 135151}}));
  EXPECT_EQ(next,
            "https://qualysapi.p01.eng.sjc01.qualys.com/api/4.0/fo/asset/host/?action=list"
            "&details=None&truncation_limit=100&cloud_agent_activationkey=0&id_min=145359");
}

TEST(Samples, SimpleReturnsGiveTheirCodes) {
  REQUIRE_SAMPLES();
  const auto r1905 = parse_simple_return(sample("simple_return_1905_invalid_param_http400.xml"));
  ASSERT_TRUE(r1905);
  EXPECT_EQ(r1905->code, "1905");
  EXPECT_EQ(r1905->text,
            "parameter ids has invalid value: abc123 (neither a positive integer nor a range: "
            "abc123)");
  const auto r1960 = parse_simple_return(sample("simple_return_1960_concurrency_http409.xml"));
  ASSERT_TRUE(r1960);
  EXPECT_EQ(r1960->code, "1960");
  EXPECT_EQ(r1960->text,
            "This API cannot be run again until 1 currently running API instance has finished.");
  EXPECT_EQ(r1960->items, (Items{{"CALLS_TO_FINISH", "2"}}));
  const auto r1965 = parse_simple_return(sample("simple_return_1965_rate_limit_http409.xml"));
  ASSERT_TRUE(r1965);
  EXPECT_EQ(r1965->code, "1965");
  EXPECT_EQ(r1965->items, (Items{{"SECONDS_TO_WAIT", "68928"}}));
  const auto r2001 = parse_simple_return(sample("simple_return_2001_account_expired_http200.xml"));
  ASSERT_TRUE(r2001);
  EXPECT_EQ(r2001->code, "2001");
  EXPECT_EQ(r2001->text, "This account has expired.");
}

TEST(Samples, SimpleReturnsComeThroughTheDataParsersToo) {
  REQUIRE_SAMPLES();
  const auto kb = parse_kb(sample("simple_return_1905_invalid_param_http400.xml"));
  ASSERT_TRUE(kb.simple_return);
  EXPECT_EQ(kb.simple_return->code, "1905");
  const auto hld = parse_detections(sample("simple_return_1965_rate_limit_http409.xml"));
  ASSERT_TRUE(hld.simple_return);
  EXPECT_EQ(hld.simple_return->code, "1965");
}

TEST(Samples, QpsInvalidCredentials) {
  REQUIRE_SAMPLES();
  const auto r = parse_simple_return(sample("qps_invalid_credentials_http200.xml"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, "INVALID_CREDENTIALS");
  EXPECT_EQ(r->text, "Authentication failed");
  EXPECT_TRUE(parse_detections(sample("qps_invalid_credentials_http200.xml")).simple_return);
}

TEST(Samples, CsamPageWithHasMore1) {
  REQUIRE_SAMPLES();
  std::vector<Asset> assets;
  CsamPageParser p([&](Asset&& a) { assets.push_back(std::move(a)); });
  p.feed(sample("csam_v2_search_asset_page_hasMore1_TRIMMED_MOCK.json"));
  p.finish();
  EXPECT_EQ(p.envelope().response_code, "SUCCESS");
  EXPECT_EQ(p.envelope().response_message, "Valid API Access");
  EXPECT_EQ(p.envelope().count, 2);
  EXPECT_EQ(p.envelope().has_more, 1);
  EXPECT_EQ(p.envelope().last_seen_asset_id, 67663823);
  EXPECT_EQ(p.envelope().assets, 2u);
  ASSERT_EQ(assets.size(), 2u);
  EXPECT_EQ(assets[0].asset_id, 67543783);
  EXPECT_EQ(assets[1].asset_id, 67663823);
  EXPECT_EQ(assets[0].host_id, 1437388);
  EXPECT_EQ(assets[0].asset_uuid, "15f6fbbe-4c26-4a9f-a1ce-8e22fb64c66e");
  EXPECT_EQ(assets[0].address, "1.128.0.0");
  EXPECT_EQ(assets[0].asset_name, "test");
  EXPECT_EQ(assets[0].netbios_name, "test_bios_2");
  EXPECT_EQ(assets[0].last_logged_on_user, "serviceuser");
  EXPECT_EQ(assets[0].bios_serial_number, "VMware-42 01 a6 e3 7d 2b 78 d4-3d a7 d4 5e 57 6c 7d 76");
  EXPECT_EQ(assets[0].bios_asset_tag, "mock_asset_tag");
  EXPECT_EQ(assets[0].os_full_name, "Canonical Ubuntu Jammy Jellyfish (22.04.5 LTS)");
  EXPECT_EQ(assets[0].os_category1, "Linux");
  EXPECT_EQ(assets[0].os_category2, "Unidentified");
  EXPECT_EQ(assets[0].hw_full_name, "VMware VMware Virtual Platform VMware Virtual Platform");
  EXPECT_EQ(assets[0].hw_category1, "Virtualized");
  EXPECT_EQ(assets[0].hw_category2, "Virtual Machine");
  EXPECT_EQ(assets[0].last_modified_date, "2025-07-14T19:20:16.000Z");
  EXPECT_EQ(assets[0].created_date, "2025-07-07T11:59:21.000Z");
  EXPECT_EQ(assets[1].last_modified_date, "2025-07-14T19:21:16.000Z");
}

TEST(Samples, CsamLastPageWithHasMore0) {
  REQUIRE_SAMPLES();
  std::vector<Asset> assets;
  CsamPageParser p([&](Asset&& a) { assets.push_back(std::move(a)); });
  p.feed(sample("csam_v2_search_asset_last_page_hasMore0_TRIMMED_MOCK.json"));
  p.finish();
  EXPECT_EQ(p.envelope().count, 1);
  EXPECT_EQ(p.envelope().has_more, 0);
  EXPECT_EQ(p.envelope().last_seen_asset_id, 67937113);
  ASSERT_EQ(assets.size(), 1u);
  EXPECT_EQ(assets[0].asset_id, 67937113);
  EXPECT_EQ(assets[0].host_id, 1437387);
  EXPECT_EQ(assets[0].os_full_name, "Mock OS");
  EXPECT_EQ(assets[0].os_category1, "UBuntu");
  EXPECT_EQ(assets[0].hw_full_name, "Mock test full name");
  EXPECT_EQ(assets[0].hw_category2, "Mock test category 2");
  EXPECT_EQ(assets[0].bios_asset_tag, "Test asset tag_1");
}

TEST(Samples, CsamCount) {
  REQUIRE_SAMPLES();
  const CsamCount c = parse_csam_count(sample("csam_v2_count_asset.json"));
  EXPECT_EQ(c.count, 10000);
  EXPECT_EQ(c.response_code, "SUCCESS");
  EXPECT_EQ(c.response_message, "Valid API Access");
}

TEST(Samples, EveryXmlAndJsonSampleIsCoveredAbove) {
  REQUIRE_SAMPLES();
  // A new sample file should get its own test: fail loudly when one appears unparsed.
  const std::set<std::string> covered = {
      "kb_vuln_list_multi_trimmed.xml",
      "kb_vuln_list_single_cve_keepalive.xml",
      "kb_vuln_list_empty_unknown_id.xml",
      "hld_xml_multi_detection_fixture.xml",
      "hld_xml_empty_no_host_list.xml",
      "hld_xml_truncated_warning_guide.xml",
      "host_list_details_none_id_set.xml",
      "host_list_truncated_warning_guide.xml",
      "simple_return_1905_invalid_param_http400.xml",
      "simple_return_1960_concurrency_http409.xml",
      "simple_return_1965_rate_limit_http409.xml",
      "simple_return_2001_account_expired_http200.xml",
      "qps_invalid_credentials_http200.xml",
      "csam_v2_search_asset_page_hasMore1_TRIMMED_MOCK.json",
      "csam_v2_search_asset_last_page_hasMore0_TRIMMED_MOCK.json",
      "csam_v2_count_asset.json",
      "http_headers_v2_samples.json"};  // headers for the client, not a parser input
  for (const auto& e : std::filesystem::directory_iterator(testing::samples_dir())) {
    const auto ext = e.path().extension();
    if (ext != ".xml" && ext != ".json") continue;
    EXPECT_TRUE(covered.count(e.path().filename().string())) << e.path().filename();
  }
}

TEST(Samples, EveryXmlSampleGivesTheSameResultFedByteByByte) {
  REQUIRE_SAMPLES();
  for (const auto& e : std::filesystem::directory_iterator(testing::samples_dir())) {
    if (e.path().extension() != ".xml") continue;
    const std::string name = e.path().filename().string();
    const std::string doc = read_file(e.path());
    const auto kind = testing::kind_for(name);
    EXPECT_EQ(testing::summarize_xml(kind, doc, 1), testing::summarize_xml(kind, doc, SIZE_MAX))
        << name;
  }
}

}  // namespace
}  // namespace qi::qualys
