// The API v2 side of the simulator: Basic auth, X-Requested-With, parameters, KB, host
// detection with WARNING paging, host list, concurrency limit, keep-alive.
#include <boost/asio/co_spawn.hpp>
#include <set>

#include "qualys_sim/detection_filter.hpp"
#include "qualys_sim/sim_util.hpp"
#include "qualys_sim/tests/sim_fixture.hpp"
#include "qualys_sim/tests/xml_check.hpp"

namespace qi::sim::testing {
namespace {

using SimulatorV2 = SimFixture;
using SimulatorKb = SimFixture;
using SimulatorDetection = SimFixture;
using SimulatorHostList = SimFixture;
using SimulatorServer = SimFixture;

constexpr const char* kKb = "/api/4.0/fo/knowledge_base/vuln/";
constexpr const char* kHld = "/api/5.0/fo/asset/host/vm/detection/";
constexpr const char* kHostList = "/api/5.0/fo/asset/host/";

// The path and query of a WARNING URL, for following it on the simulator.
std::string target_of(const std::string& url) {
  const auto scheme = url.find("://");
  return url.substr(url.find('/', scheme + 3));
}

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  const auto last = s.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? std::string{} : s.substr(first, last - first + 1);
}

TEST_F(SimulatorV2, RejectsABadPasswordWith401BadLoginPasswordAndCountsIt) {
  ClientRequest request;
  request.target = kKb;
  request.body = "action=list";
  request.headers = {{"Authorization", SimClient::basic_auth("sim-user", "nope")},
                     {"X-Requested-With", "t"}};
  const auto response = client().send(request);
  EXPECT_EQ(response.status, 401u);
  EXPECT_EQ(XmlDoc(response.body).text("/SIMPLE_RETURN/RESPONSE/TEXT"), "Bad Login/Password");
  EXPECT_EQ(sim().stats().basic_auth_failed, 1u);
}

TEST_F(SimulatorV2, RequiresTheXRequestedWithHeader) {
  ClientRequest request;
  request.target = kKb;
  request.body = "action=list";
  request.headers = {{"Authorization", SimClient::basic_auth("sim-user", "sim-password")}};
  const auto response = client().send(request);
  EXPECT_EQ(response.status, 400u);
  EXPECT_EQ(XmlDoc(response.body).text("/SIMPLE_RETURN/RESPONSE/CODE"), "1903");
}

TEST_F(SimulatorV2, RejectsTruncationLimitOnTheKbWith1901) {
  const auto response = client().v2(kKb, "action=list&truncation_limit=10");
  EXPECT_EQ(response.status, 400u);
  EXPECT_EQ(XmlDoc(response.body).text("/SIMPLE_RETURN/RESPONSE/CODE"), "1901");
}

TEST_F(SimulatorV2, ServesEveryVersionPrefix) {
  for (const char* version : {"2.0", "3.0", "4.0", "5.0"}) {
    const auto response = client().v2(std::string("/api/") + version + "/fo/knowledge_base/vuln/",
                                      "action=list&ids=10000-10010");
    EXPECT_EQ(response.status, 200u) << version;
  }
}

TEST_F(SimulatorV2, AcceptsParametersInTheQueryString) {
  const auto response = client().v2(std::string(kKb) + "?action=list&details=Basic", "");
  EXPECT_EQ(response.status, 200u);
}

TEST_F(SimulatorV2, SendsLowerCaseRateLimitHeadersOnEveryResponse) {
  const auto response = client().v2(kKb, "action=list");
  for (const char* name :
       {"x-ratelimit-limit", "x-ratelimit-window-sec", "x-ratelimit-remaining",
        "x-ratelimit-towait-sec", "x-concurrency-limit-limit", "x-concurrency-limit-running"}) {
    bool found = false;
    for (const auto& [key, value] : response.headers) found = found || key == name;
    EXPECT_TRUE(found) << name;
  }
}

TEST_F(SimulatorKb, IsWellFormedAndListsEveryQidAscendingWithTheSamplesShape) {
  SimulatorOptions options;
  options.data.qids = 120;
  start(options);
  const auto response = client().v2(kKb, "action=list&details=All");
  ASSERT_EQ(response.status, 200u);
  EXPECT_EQ(response.header("Transfer-Encoding"), "chunked");
  EXPECT_NE(response.body.find("<!DOCTYPE KNOWLEDGE_BASE_VULN_LIST_OUTPUT SYSTEM \"https://"),
            std::string::npos);
  EXPECT_NE(response.body.find("<!-- keep-alive for KNOWLEDGE_BASE_VULN_LIST_OUTPUT  -->"),
            std::string::npos);
  EXPECT_NE(response.body.find("&quot;"), std::string::npos);  // literal inside CDATA
  const XmlDoc doc(response.body);
  ASSERT_TRUE(doc.well_formed());
  const auto qids = doc.texts("//VULN/QID");
  ASSERT_EQ(qids.size(), 120u);
  std::vector<std::int64_t> numbers;
  for (const auto& q : qids) numbers.push_back(std::stoll(q));
  EXPECT_TRUE(std::is_sorted(numbers.begin(), numbers.end()));
  EXPECT_GT(doc.count("//VULN[count(CVE_LIST/CVE) > 1]"), 0u);  // several CVEs per QID
  EXPECT_GT(doc.count("//VULN[not(CVE_LIST)]"), 0u);            // QIDs without CVEs
  EXPECT_EQ(sim().stats().dtd_fetches, 0u);
}

TEST_F(SimulatorKb, OmitsVulnListWhenNothingMatches) {
  const auto response = client().v2(kKb, "action=list&ids=123");
  const XmlDoc doc(response.body);
  ASSERT_TRUE(doc.well_formed());
  EXPECT_EQ(doc.count("//VULN_LIST"), 0u);
  EXPECT_EQ(doc.count("/KNOWLEDGE_BASE_VULN_LIST_OUTPUT/RESPONSE/DATETIME"), 1u);
}

TEST_F(SimulatorKb, HonoursIdMinAndIdMax) {
  SimulatorOptions options;
  options.data.qids = 50;
  start(options);
  const std::int64_t lo = qid_at(options.data, 10);
  const std::int64_t hi = qid_at(options.data, 19);
  const auto response = client().v2(
      kKb, "action=list&id_min=" + std::to_string(lo) + "&id_max=" + std::to_string(hi));
  const auto qids = XmlDoc(response.body).texts("//VULN/QID");
  ASSERT_EQ(qids.size(), 10u);
  EXPECT_EQ(qids.front(), std::to_string(lo));
  EXPECT_EQ(qids.back(), std::to_string(hi));
}

TEST_F(SimulatorKb, Answers1905ForMalformedIds) {
  const auto response = client().v2(kKb, "action=list&ids=abc123");
  EXPECT_EQ(response.status, 400u);
  EXPECT_EQ(XmlDoc(response.body).text("/SIMPLE_RETURN/RESPONSE/CODE"), "1905");
}

TEST_F(SimulatorDetection, FollowingWarningUrlsYieldsEveryHostWithDetectionsOnce) {
  SimulatorOptions options;
  options.data.hosts = 40;
  start(options);
  std::vector<std::string> hosts;
  std::string target = kHld;
  std::string body =
      "action=list&truncation_limit=7&show_results=0&status=New,Active,Re-Opened,Fixed";
  int pages = 0;
  for (; pages < 20; ++pages) {
    const auto response = client().v2(target, body);
    ASSERT_EQ(response.status, 200u);
    const XmlDoc doc(response.body);
    ASSERT_TRUE(doc.well_formed());
    for (const auto& id : doc.texts("//HOST_LIST/HOST/ID")) hosts.push_back(id);
    const std::string url = trimmed(doc.text("//WARNING/URL"));
    if (url.empty()) break;
    EXPECT_EQ(doc.text("//WARNING/CODE"), "1980");
    EXPECT_EQ(doc.text("//WARNING/TEXT"),
              "7 record limit exceeded. Use URL to get next batch of results.");
    target = target_of(url);
    body.clear();  // the URL carries every parameter
  }
  std::vector<std::string> expected;
  const auto filter =
      detection_filter_from(parse_form("status=New,Active,Re-Opened,Fixed"), nullptr);
  for (std::int64_t j = 0; j < options.data.hosts; ++j) {
    if (!filtered_detections(options.data, j, filter).empty()) {
      expected.push_back(std::to_string(host_id_at(options.data, j)));
    }
  }
  EXPECT_EQ(hosts, expected);
  EXPECT_GT(pages, 2);
}

TEST_F(SimulatorDetection, WarningUrlUsesTheHostHeaderAndTheNextHostsIdMin) {
  ClientRequest request;
  request.target = kHld;
  request.host = "qualysapi.example.test:8443";
  request.body = "action=list&truncation_limit=1&show_results=0";
  request.headers = {{"Authorization", SimClient::basic_auth("sim-user", "sim-password")},
                     {"X-Requested-With", "t"}};
  const auto response = client().send(request);
  const XmlDoc doc(response.body);
  const std::string url = trimmed(doc.text("//WARNING/URL"));
  EXPECT_TRUE(url.starts_with(
      "https://qualysapi.example.test:8443/api/5.0/fo/asset/host/vm/detection/?action=list&"));
  EXPECT_NE(url.find("truncation_limit=1"), std::string::npos);
  EXPECT_NE(url.find("output_format=XML"), std::string::npos);  // a parameter never sent
  const std::string first = doc.text("//HOST/ID");
  const auto id_min = std::stoll(url.substr(url.find("id_min=") + 7));
  EXPECT_GT(id_min, std::stoll(first));
}

TEST_F(SimulatorDetection, HonoursTheSeverityFilter) {
  SimulatorOptions options;
  options.data.hosts = 30;
  start(options);
  const auto response =
      client().v2(kHld, "action=list&severities=4-5&status=New,Active,Re-Opened,Fixed&show_igs=1");
  const auto severities = XmlDoc(response.body).texts("//DETECTION/SEVERITY");
  ASSERT_FALSE(severities.empty());
  for (const auto& s : severities) EXPECT_TRUE(s == "4" || s == "5") << s;
}

TEST_F(SimulatorDetection, HonoursTheStatusFilter) {
  SimulatorOptions options;
  options.data.hosts = 30;
  start(options);
  const auto statuses =
      XmlDoc(client().v2(kHld, "action=list&status=Fixed").body).texts("//DETECTION/STATUS");
  ASSERT_FALSE(statuses.empty());
  for (const auto& s : statuses) EXPECT_EQ(s, "Fixed");
}

TEST_F(SimulatorDetection, RepeatsAQidOnASecondPortSomewhere) {
  SimulatorOptions options;
  options.data.hosts = 50;
  options.data.detections_per_host = 6;
  start(options);
  const XmlDoc doc(
      client()
          .v2(kHld, "action=list&truncation_limit=0&show_igs=1&status=New,Active,Re-Opened,Fixed")
          .body);
  bool repeated = false;
  for (const auto& host : doc.texts("//HOST/ID")) {
    const auto qids = doc.texts("//HOST[ID='" + host + "']/DETECTION_LIST/DETECTION/QID");
    repeated = repeated || std::set<std::string>(qids.begin(), qids.end()).size() < qids.size();
  }
  EXPECT_TRUE(repeated);
  EXPECT_GT(doc.count("//HOST[QG_HOSTID]"), 0u);
  EXPECT_GT(doc.count("//HOST[not(QG_HOSTID)]"), 0u);
}

TEST_F(SimulatorDetection, HasNoHostListWhenNothingMatches) {
  const XmlDoc doc(client().v2(kHld, "action=list&ids=1-5").body);
  ASSERT_TRUE(doc.well_formed());
  EXPECT_EQ(doc.count("//HOST_LIST"), 0u);
}

TEST_F(SimulatorHostList, CompressesConsecutiveIdsIntoRanges) {
  SimulatorOptions options;
  options.data.hosts = 30;
  start(options);
  const XmlDoc doc(client().v2(kHostList, "action=list&details=None&truncation_limit=0").body);
  ASSERT_TRUE(doc.well_formed());
  std::vector<std::int64_t> ids;
  for (const auto& id : doc.texts("//ID_SET/ID")) ids.push_back(std::stoll(id));
  for (const auto& range : doc.texts("//ID_SET/ID_RANGE")) {
    const auto dash = range.find('-');
    for (auto i = std::stoll(range.substr(0, dash)); i <= std::stoll(range.substr(dash + 1)); ++i)
      ids.push_back(i);
  }
  std::sort(ids.begin(), ids.end());
  std::vector<std::int64_t> expected;
  for (std::int64_t j = 0; j < 30; ++j) expected.push_back(host_id_at(options.data, j));
  EXPECT_EQ(ids, expected);
  EXPECT_GT(doc.count("//ID_SET/ID_RANGE"), 0u);
  EXPECT_GT(doc.count("//ID_SET/ID"), 0u);
}

TEST_F(SimulatorHostList, PagesWithAWarningWhenTruncated) {
  SimulatorOptions options;
  options.data.hosts = 30;
  start(options);
  const XmlDoc doc(client().v2(kHostList, "action=list&details=None&truncation_limit=10").body);
  const std::string url = trimmed(doc.text("//WARNING/URL"));
  EXPECT_NE(url.find("cloud_agent_activationkey=0"), std::string::npos);
  EXPECT_NE(url.find("id_min=" + std::to_string(host_id_at(options.data, 10))), std::string::npos);
}

TEST_F(SimulatorServer, RejectsV2CallsAboveTheConcurrencyLimitWith1960) {
  SimulatorOptions options;
  options.concurrency_limit = 1;
  options.latency.time_to_first_byte = std::chrono::milliseconds(300);
  start(options);
  ClientRequest request;
  request.target = kKb;
  request.body = "action=list&ids=10000-10100";
  request.headers = {{"Authorization", SimClient::basic_auth("sim-user", "sim-password")},
                     {"X-Requested-With", "t"}};
  const auto responses = client().parallel({request, request});
  std::multiset<unsigned> statuses = {responses[0].status, responses[1].status};
  EXPECT_EQ(statuses, (std::multiset<unsigned>{200u, 409u}));
  const auto& rejected = responses[0].status == 409 ? responses[0] : responses[1];
  EXPECT_EQ(XmlDoc(rejected.body).text("//CODE"), "1960");
  EXPECT_FALSE(rejected.has_header("x-ratelimit-towait-sec"));
  EXPECT_EQ(sim().stats().concurrency_rejections, 1u);
}

TEST_F(SimulatorServer, ServesSeveralRequestsOnOneKeepAliveConnection) {
  ClientRequest request;
  request.target = kKb;
  request.body = "action=list&ids=10000-10030";
  request.headers = {{"Authorization", SimClient::basic_auth("sim-user", "sim-password")},
                     {"X-Requested-With", "t"}};
  const auto responses = client().sequence({request, request, request});
  ASSERT_EQ(responses.size(), 3u);
  for (const auto& r : responses) EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(sim().stats().connections, 1u);
}

TEST_F(SimulatorServer, RecordsRequestsSoTestsCanCheckWhatTheClientSent) {
  client().v2(kKb, "action=list&ids=1");
  const auto requests = sim().requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].endpoint, "kb");
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, kKb);
  EXPECT_EQ(requests[0].header("x-requested-with"), "qi-tests");
  EXPECT_EQ(requests[0].body, "action=list&ids=1");
}

TEST_F(SimulatorServer, ServesManyConcurrentConnections) {
  SimulatorOptions options;
  options.concurrency_limit = 0;
  start(options);
  ClientRequest request;
  request.target = kKb;
  request.body = "action=list&ids=10000-10200";
  request.headers = {{"Authorization", SimClient::basic_auth("sim-user", "sim-password")},
                     {"X-Requested-With", "t"}};
  const auto responses = client().parallel(std::vector<ClientRequest>(60, request));
  for (const auto& r : responses) {
    EXPECT_EQ(r.status, 200u);
    EXPECT_TRUE(r.complete);
  }
  EXPECT_EQ(sim().stats().connections, 60u);
}

TEST_F(SimulatorServer, SaysConnectionCloseWhenTheClientAskedForIt) {
  ClientRequest request;
  request.target = kKb;
  request.body = "action=list&ids=1";
  request.headers = {{"Authorization", SimClient::basic_auth("sim-user", "sim-password")},
                     {"X-Requested-With", "t"},
                     {"Connection", "close"}};
  const auto response = client().send(request);
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.header("Connection"), "close");
}

TEST(SimulatorRun, ServesInsideTheCallersCoroutineUntilStopped) {
  boost::asio::io_context io;
  const auto pki = qi::testing::TestPki::create();
  Simulator simulator(io.get_executor(), {}, pki.issue({"localhost"}));
  bool finished = false;
  boost::asio::co_spawn(io, simulator.run(), [&](std::exception_ptr) { finished = true; });
  SimClient client(io, simulator.port(), pki.ca().cert_pem);
  EXPECT_EQ(client.v2(kKb, "action=list&ids=1").status, 200u);
  simulator.stop();
  io.restart();
  while (!finished && io.run_one_for(std::chrono::seconds(5)) > 0) {
  }
  EXPECT_TRUE(finished);
}

}  // namespace
}  // namespace qi::sim::testing
