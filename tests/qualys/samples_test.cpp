// Each quirk of the real Qualys responses (docs/qualys-api.md) through its parser, in whole
// documents with the values read off the files. The documents come from two corpora: our own
// fixtures (tests/fixtures/qualys, always) and the captured samples of ../shared/samples/qualys
// (only when that directory exists beside the repository). Both hold one document per quirk; a
// fresh clone runs every test on the fixtures and skips none.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

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
using Row = std::vector<std::string>;  // one record as text: the fields a test compares
using Rows = std::vector<Row>;
using Items = std::vector<std::pair<std::string, std::string>>;

// A parser input and the records it gives, in order.
struct Document {
  std::string file;
  Rows rows;
};

struct ReturnDocument {
  std::string file;
  std::string code, text;
  Items items;
};

struct WarningDocument {
  Document document;
  std::string code, text, next_page_url;
};

struct CsamPage {
  Document document;
  std::int64_t count = 0, has_more = 0, last_seen_asset_id = 0;
};

// One document per quirk, and what each holds.
struct Corpus {
  std::string name;
  std::filesystem::path dir;
  Document kb_several_vulns;               // several VULNs: one without CVEs, one with two or more
  Document kb_keep_alive;                  // a keep-alive comment between DATETIME and VULN_LIST
  std::string kb_no_vuln_list;             // nothing matched: no VULN_LIST element at all
  Document hld_hosts;                      // HOSTs with their detections' QIDs, no WARNING
  std::string hld_no_host_list;            // nothing matched: no HOST_LIST element at all
  WarningDocument hld_truncated;           // WARNING 1980 after HOST_LIST, the next page's URL
  Document host_list_id_set;               // ID_SET of IDs (and ID_RANGEs): rows "first-last"
  WarningDocument host_list_truncated;     // the URL padded around its CDATA, extra parameters
  ReturnDocument invalid_parameter;        // 1905, without an <?xml?> declaration
  ReturnDocument concurrency_limit;        // 1960 with CALLS_TO_FINISH
  ReturnDocument rate_limit;               // 1965 with SECONDS_TO_WAIT
  ReturnDocument account_expired;          // 2001, sent with HTTP 200
  ReturnDocument qps_invalid_credentials;  // a QPS ServiceResponse, sent with HTTP 200
  CsamPage csam_has_more;
  CsamPage csam_last_page;
  std::string csam_count;
  std::int64_t csam_count_value = 0;
  std::set<std::string> read_elsewhere;  // files of the directory other tests parse
};

void PrintTo(const Corpus& corpus, std::ostream* out) {
  *out << corpus.name;
}

Row row_of(const KbVuln& v) {
  Row row{std::to_string(v.qid), v.title, v.category, v.severity_level};
  row.insert(row.end(), v.cves.begin(), v.cves.end());
  return row;
}

Row row_of(const DetectionHost& h) {
  Row row{std::to_string(h.host_id), h.qg_hostid};
  for (auto qid : h.qids) row.push_back(std::to_string(qid));
  return row;
}

Row row_of(const Asset& a) {
  return {std::to_string(a.asset_id),
          a.host_id ? std::to_string(*a.host_id) : "",
          a.asset_uuid,
          a.address,
          a.asset_name,
          a.netbios_name,
          a.last_logged_on_user,
          a.bios_serial_number,
          a.bios_asset_tag,
          a.os_full_name,
          a.os_category1,
          a.os_category2,
          a.hw_full_name,
          a.hw_category1,
          a.hw_category2,
          a.last_modified_date,
          a.created_date};
}

template <typename Record>
Rows rows_of(const std::vector<Record>& records) {
  Rows rows;
  for (const auto& r : records) rows.push_back(row_of(r));
  return rows;
}

Corpus fixtures() {
  Corpus c;
  c.name = "fixtures";
  c.dir = QI_FIXTURE_DIR;
  c.kb_several_vulns = {"kb_multi_cve.xml",
                        {{"90001", "Example \"Quoted\" Server, Multiple Flaws", "Web server", "4",
                          "CVE-2026-10001", "CVE-2026-10002", "CVE-2026-10003"},
                         {"90002", "  Padded <B>Title</B> & more  ", "Information gathering", "1"},
                         {"90003", "Plain & simple title", "Local", "3", "CVE-2025-99999"}}};
  c.kb_keep_alive = {
      "kb_single_cve_keepalive.xml",
      {{"370001", "Example Router OS Command Injection Vulnerability (example-sa-2026-0001)",
        "Hardware", "3", "CVE-2026-20001"}}};
  c.kb_no_vuln_list = "kb_empty_no_vuln_list.xml";
  c.hld_hosts = {"hld_two_hosts.xml",
                 {{"7100001", "", "90001", "90003"},
                  {"7100002", "0a1b2c3d-0000-4000-8000-000000000002", "90002", "90002"},
                  {"7100003", ""}}};
  c.hld_no_host_list = "hld_empty_no_host_list.xml";
  c.hld_truncated = {
      {"hld_truncated_warning.xml", {{"7200001", "0a1b2c3d-0000-4000-8000-000000000099", "42"}}},
      "1980",
      "1 record limit exceeded. Use URL to get next batch of\nresults.",
      "https://qualysapi.example.test/api/5.0/fo/asset/host/vm/detection/"
      "?action=list&truncation_limit=1&show_igs=0&id_min=7200002"};
  c.host_list_id_set = {"host_list_id_set.xml",
                        {{"5001-5001"}, {"5003-5010"}, {"5020-5020"}, {"6000-6000"}}};
  c.host_list_truncated = {{"host_list_truncated_warning.xml", {{"100-199"}}},
                           "1980",
                           "100 record limit exceeded. Use URL to get next batch of\nresults.",
                           "https://qualysapi.example.test/api/4.0/fo/asset/host/?action=list"
                           "&details=None&truncation_limit=100&cloud_agent_activationkey=0"
                           "&id_min=200"};
  c.invalid_parameter = {
      "simple_return_1905_no_declaration.xml",
      "1905",
      "parameter id_min has invalid value: x1 (neither a positive integer nor a range: x1)",
      {}};
  c.concurrency_limit = {
      "simple_return_1960.xml",
      "1960",
      "This API cannot be run again until 2 currently running API instances have finished.",
      {{"CALLS_TO_FINISH", "2"}}};
  c.rate_limit = {"simple_return_1965.xml",
                  "1965",
                  "This API cannot be run again for another 5 minutes and 7 seconds.",
                  {{"SECONDS_TO_WAIT", "307"}}};
  c.account_expired = {"simple_return_2001.xml", "2001", "This account has expired.", {}};
  c.qps_invalid_credentials = {
      "qps_invalid_credentials.xml", "INVALID_CREDENTIALS", "Authentication failed", {}};
  c.csam_has_more = {
      {"csam_page_has_more.json",
       {{"20001", "5501", "0b0b0b0b-1111-4222-8333-444444444444", "203.0.113.21", "app-21", "APP21",
         "appuser", "VMware-56 4d 9a 0c 11 22 33 44-55 66 77 88 99 aa bb cc", "AT-21",
         "Example Linux 9.4 (Server)", "Linux", "Server", "Example Virtual Platform 7",
         "Virtualized", "Virtual Machine", "2026-01-12T08:30:00.000Z", "2025-11-02T10:00:05.000Z"},
        {"20002", "5502", "0c0c0c0c-5555-4666-8777-888888888888", "203.0.113.22", "app-22", "APP22",
         "EXAMPLE\\ops", "SN 22", "AT-22", "Example Linux 9.4 (Server)", "Linux", "Server",
         "Example Virtual Platform 7", "Virtualized", "Virtual Machine", "2026-01-12T08:31:00.000Z",
         "2025-11-03T10:00:05.000Z"}}},
      2,
      1,
      20002};
  c.csam_last_page = {
      {"csam_page_last.json",
       {{"12345", "777", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "198.51.100.7", "db-01", "DB01",
         "svc_db", "SN-0001", "AT-0001", "Example BSD 14", "BSD", "Server", "Example Rack 2U",
         "Server", "Rack", "2026-01-11T01:02:03.004Z", "2026-01-01T00:00:00.000Z"}}},
      1,
      0,
      12345};
  c.csam_count = "csam_count.json";
  c.csam_count_value = 4321;
  c.read_elsewhere = {"csam_page_nulls.json", "csam_page_extras.json", "generic_return_999.xml",
                      "hld_extra_columns.xml"};
  return c;
}

Corpus shared_samples() {
  Corpus c;
  c.name = "shared_samples";
  c.dir = QI_SAMPLES_DIR;
  c.kb_several_vulns = {
      "kb_vuln_list_multi_trimmed.xml",
      {{"6", "DNS Host Name", "Information gathering", "1"},
       {"45017", "Operating System Detected", "Information gathering", "2"},
       {"150001", "Reflected Cross-Site Scripting (XSS) Vulnerabilities", "Web Application", "5"},
       {"150272", "PHP 7 Multiple Vulnerabilities", "Web Application", "3", "CVE-2019-11041",
        "CVE-2019-11042"},
       {"150375", "PII Fields Found", "Web Application", "2"},
       {"150400", "Apache HTTP Server HTTP/2 Method injection (CVE-2021-33193)", "Web Application",
        "3", "CVE-2021-33193"}}};
  c.kb_keep_alive = {
      "kb_vuln_list_single_cve_keepalive.xml",
      {{"316760",
        "Cisco IOS XE Software Command Injection Vulnerability (cisco-sa-iosxe-cmdinj-2MzhjM6K)",
        "Cisco", "3", "CVE-2020-3403"}}};
  c.kb_no_vuln_list = "kb_vuln_list_empty_unknown_id.xml";
  c.hld_hosts = {"hld_xml_multi_detection_fixture.xml",
                 {{"6506432", "", "38170", "38173", "38601"}}};
  c.hld_no_host_list = "hld_xml_empty_no_host_list.xml";
  c.hld_truncated = {{"hld_xml_truncated_warning_guide.xml", {{"4203254", "", "11"}}},
                     "1980",
                     "100 record limit exceeded. Use URL to get next batch of\nresults.",
                     "https://qualysapi.qualys.com/api/5.0/fo/asset/host/vm/detection/"
                     "?action=list&truncation_limit=100&id_min=5641289"};
  c.host_list_id_set = {"host_list_details_none_id_set.xml", {{"107800671-107800671"}}};
  c.host_list_truncated = {{"host_list_truncated_warning_guide.xml", {{"135151-135151"}}},
                           "1980",
                           "100 record limit exceeded. Use URL to get next batch of\nresults.",
                           "https://qualysapi.p01.eng.sjc01.qualys.com/api/4.0/fo/asset/host/"
                           "?action=list&details=None&truncation_limit=100"
                           "&cloud_agent_activationkey=0&id_min=145359"};
  c.invalid_parameter = {"simple_return_1905_invalid_param_http400.xml",
                         "1905",
                         "parameter ids has invalid value: abc123 (neither a positive integer nor "
                         "a range: abc123)",
                         {}};
  c.concurrency_limit = {
      "simple_return_1960_concurrency_http409.xml",
      "1960",
      "This API cannot be run again until 1 currently running API instance has finished.",
      {{"CALLS_TO_FINISH", "2"}}};
  c.rate_limit = {"simple_return_1965_rate_limit_http409.xml",
                  "1965",
                  "This API cannot be run again for another 23 hours, 57 minutes and 54 seconds.",
                  {{"SECONDS_TO_WAIT", "68928"}}};
  c.account_expired = {
      "simple_return_2001_account_expired_http200.xml", "2001", "This account has expired.", {}};
  c.qps_invalid_credentials = {
      "qps_invalid_credentials_http200.xml", "INVALID_CREDENTIALS", "Authentication failed", {}};
  const Row mock_asset = {"",
                          "1437388",
                          "15f6fbbe-4c26-4a9f-a1ce-8e22fb64c66e",
                          "1.128.0.0",
                          "test",
                          "test_bios_2",
                          "serviceuser",
                          "VMware-42 01 a6 e3 7d 2b 78 d4-3d a7 d4 5e 57 6c 7d 76",
                          "mock_asset_tag",
                          "Canonical Ubuntu Jammy Jellyfish (22.04.5 LTS)",
                          "Linux",
                          "Unidentified",
                          "VMware VMware Virtual Platform VMware Virtual Platform",
                          "Virtualized",
                          "Virtual Machine",
                          "",
                          "2025-07-07T11:59:21.000Z"};
  Row first = mock_asset, second = mock_asset;  // the mock's two assets differ in two fields
  first[0] = "67543783";
  first[15] = "2025-07-14T19:20:16.000Z";
  second[0] = "67663823";
  second[15] = "2025-07-14T19:21:16.000Z";
  c.csam_has_more = {
      {"csam_v2_search_asset_page_hasMore1_TRIMMED_MOCK.json", {first, second}}, 2, 1, 67663823};
  c.csam_last_page = {
      {"csam_v2_search_asset_last_page_hasMore0_TRIMMED_MOCK.json",
       {{"67937113", "1437387", "4cf3040a-82a5-46a1-b059-17372b051ec7", "175.16.199.0", "test",
         "test_bios1", "test_user_1", "Test serial number_1", "Test asset tag_1", "Mock OS",
         "UBuntu", "Windows", "Mock test full name", "Mock test category 1", "Mock test category 2",
         "2025-07-13T14:21:09.000Z", "2025-07-09T14:21:14.000Z"}}},
      1,
      0,
      67937113};
  c.csam_count = "csam_v2_count_asset.json";
  c.csam_count_value = 10000;
  c.read_elsewhere = {"http_headers_v2_samples.json"};  // headers for the client, not a body
  return c;
}

std::vector<Corpus> corpora() {
  std::vector<Corpus> out{fixtures()};
  if (std::filesystem::is_directory(QI_SAMPLES_DIR)) out.push_back(shared_samples());
  return out;
}

class QualysDocuments : public ::testing::TestWithParam<Corpus> {
 protected:
  const Corpus& corpus() const { return GetParam(); }
  std::string document(const std::string& file) const { return read_file(corpus().dir / file); }

  void expect_return(const ReturnDocument& expected) const {
    const auto r = parse_simple_return(document(expected.file));
    ASSERT_TRUE(r) << expected.file;
    EXPECT_EQ(r->code, expected.code) << expected.file;
    EXPECT_EQ(r->text, expected.text) << expected.file;
    EXPECT_EQ(r->items, expected.items) << expected.file;
  }

  std::vector<Asset> expect_csam_page(const CsamPage& expected) const {
    std::vector<Asset> assets;
    CsamPageParser p([&](Asset&& a) { assets.push_back(std::move(a)); });
    p.feed(document(expected.document.file));
    p.finish();
    EXPECT_EQ(p.envelope().response_code, "SUCCESS");
    EXPECT_EQ(p.envelope().response_message, "Valid API Access");
    EXPECT_EQ(p.envelope().count, expected.count);
    EXPECT_EQ(p.envelope().has_more, expected.has_more);
    EXPECT_EQ(p.envelope().last_seen_asset_id, expected.last_seen_asset_id);
    EXPECT_EQ(p.envelope().assets, expected.document.rows.size());
    EXPECT_EQ(rows_of(assets), expected.document.rows);
    return assets;
  }
};

Rows ranges_of(const std::string& doc, std::optional<std::string>* next) {
  Rows out;
  HostIdSetParser p([&](std::int64_t a, std::int64_t b) {
    out.push_back({std::to_string(a) + "-" + std::to_string(b)});
  });
  p.feed(doc);
  p.finish();
  *next = p.next_page_url();
  return out;
}

TEST_P(QualysDocuments, KbWithSeveralVulnsGivesEachWithAllItsCves) {
  const auto& expected = corpus().kb_several_vulns;
  const auto r = parse_kb(document(expected.file));
  EXPECT_EQ(rows_of(r.vulns), expected.rows);
  EXPECT_EQ(r.last_qid, std::stoll(expected.rows.back().front()));
  EXPECT_EQ(rows_of(parse_kb(document(expected.file), 1).vulns), expected.rows);
}

TEST_P(QualysDocuments, KbKeepAliveCommentBeforeTheVulnListIsIgnored) {
  const auto& expected = corpus().kb_keep_alive;
  EXPECT_EQ(rows_of(parse_kb(document(expected.file)).vulns), expected.rows);
}

TEST_P(QualysDocuments, KbWithoutAVulnListHasNoVulns) {
  const auto r = parse_kb(document(corpus().kb_no_vuln_list));
  EXPECT_TRUE(r.vulns.empty());
  EXPECT_FALSE(r.simple_return);
}

TEST_P(QualysDocuments, HldGivesEachHostWithItsQidsAndNoNextPage) {
  const auto& expected = corpus().hld_hosts;
  const auto r = parse_detections(document(expected.file));
  EXPECT_EQ(rows_of(r.hosts), expected.rows);
  EXPECT_FALSE(r.next_page_url);
}

TEST_P(QualysDocuments, HldWithoutAHostListHasNoHosts) {
  const auto r = parse_detections(document(corpus().hld_no_host_list));
  EXPECT_TRUE(r.hosts.empty());
  EXPECT_FALSE(r.simple_return);
}

TEST_P(QualysDocuments, HldTruncatedWarningGivesTheNextPage) {
  const auto& expected = corpus().hld_truncated;
  const auto r = parse_detections(document(expected.document.file));
  EXPECT_EQ(rows_of(r.hosts), expected.document.rows);
  EXPECT_EQ(r.warning_code, expected.code);
  EXPECT_EQ(r.warning_text, expected.text);
  EXPECT_EQ(r.next_page_url, expected.next_page_url);
}

TEST_P(QualysDocuments, HostListIdSetGivesItsRanges) {
  const auto& expected = corpus().host_list_id_set;
  std::optional<std::string> next;
  EXPECT_EQ(ranges_of(document(expected.file), &next), expected.rows);
  EXPECT_FALSE(next);
}

TEST_P(QualysDocuments, HostListTruncatedWarningGivesTheTrimmedUrl) {
  const auto& expected = corpus().host_list_truncated;
  std::optional<std::string> next;
  EXPECT_EQ(ranges_of(document(expected.document.file), &next), expected.document.rows);
  EXPECT_EQ(next, expected.next_page_url);
}

TEST_P(QualysDocuments, SimpleReturnsGiveTheirCodes) {
  expect_return(corpus().invalid_parameter);
  expect_return(corpus().concurrency_limit);
  expect_return(corpus().rate_limit);
  expect_return(corpus().account_expired);
}

TEST_P(QualysDocuments, SimpleReturnsComeThroughTheDataParsersToo) {
  const auto kb = parse_kb(document(corpus().invalid_parameter.file));
  ASSERT_TRUE(kb.simple_return);
  EXPECT_EQ(kb.simple_return->code, "1905");
  const auto hld = parse_detections(document(corpus().rate_limit.file));
  ASSERT_TRUE(hld.simple_return);
  EXPECT_EQ(hld.simple_return->code, "1965");
}

TEST_P(QualysDocuments, QpsInvalidCredentials) {
  expect_return(corpus().qps_invalid_credentials);
  EXPECT_TRUE(parse_detections(document(corpus().qps_invalid_credentials.file)).simple_return);
}

TEST_P(QualysDocuments, CsamPageWithHasMore1) {
  expect_csam_page(corpus().csam_has_more);
}

TEST_P(QualysDocuments, CsamLastPageWithHasMore0) {
  expect_csam_page(corpus().csam_last_page);
}

TEST_P(QualysDocuments, CsamCount) {
  const CsamCount c = parse_csam_count(document(corpus().csam_count));
  EXPECT_EQ(c.count, corpus().csam_count_value);
  EXPECT_EQ(c.response_code, "SUCCESS");
  EXPECT_EQ(c.response_message, "Valid API Access");
}

TEST_P(QualysDocuments, EveryXmlAndJsonDocumentIsCoveredAbove) {
  // A new document should get its own test: fail loudly when one appears unparsed.
  const Corpus& c = corpus();
  std::set<std::string> covered = c.read_elsewhere;
  for (const auto& d : {c.kb_several_vulns, c.kb_keep_alive, c.hld_hosts, c.hld_truncated.document,
                        c.host_list_id_set, c.host_list_truncated.document,
                        c.csam_has_more.document, c.csam_last_page.document}) {
    covered.insert(d.file);
  }
  for (const auto& r : {c.invalid_parameter, c.concurrency_limit, c.rate_limit, c.account_expired,
                        c.qps_invalid_credentials}) {
    covered.insert(r.file);
  }
  covered.insert({c.kb_no_vuln_list, c.hld_no_host_list, c.csam_count});
  for (const auto& e : std::filesystem::directory_iterator(c.dir)) {
    const auto ext = e.path().extension();
    if (ext != ".xml" && ext != ".json") continue;
    EXPECT_TRUE(covered.count(e.path().filename().string())) << e.path().filename();
  }
}

TEST_P(QualysDocuments, EveryXmlDocumentGivesTheSameResultFedByteByByte) {
  for (const auto& e : std::filesystem::directory_iterator(corpus().dir)) {
    if (e.path().extension() != ".xml") continue;
    const std::string name = e.path().filename().string();
    const std::string doc = read_file(e.path());
    const auto kind = testing::kind_for(name);
    EXPECT_EQ(testing::summarize_xml(kind, doc, 1), testing::summarize_xml(kind, doc, SIZE_MAX))
        << name;
  }
}

INSTANTIATE_TEST_SUITE_P(Corpora, QualysDocuments, ::testing::ValuesIn(corpora()),
                         [](const ::testing::TestParamInfo<Corpus>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace
}  // namespace qi::qualys
