// The Cloud importer's protocol decisions (insight/cloud_importer.hpp) against a scripted Assets
// Cloud (fake_cloud.hpp): where links may lead, DISABLED and RUNNING import sources, the mapping
// put or kept, max_objects, and the execution cancelled when the push cannot finish.
#include "insight/cloud_importer.hpp"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "cloud_test_set.hpp"
#include "common/error.hpp"
#include "fake_cloud.hpp"
#include "insight/cloud_mapping.hpp"
#include "insight/cloud_mapping_state.hpp"
#include "support/temp_dir.hpp"

namespace qi::insight {
namespace {

using testing::FakeCloud;

class CloudImporterTest : public ::testing::Test {
 protected:
  CloudImporterTest() {
    config_.mode = config::InsightMode::cloud;
    config_.cloud.info_url = testing::kInfoUrl;
    set_ = testing::write_set(dir_.path() / "out", state_dir(), testing::small_rows());
  }
  std::filesystem::path state_dir() const { return dir_.path() / "state"; }

  // Runs one import to its end; the error it ended with, if any, is kept in error_.
  std::optional<ImportReport> import() {
    ImportEnvironment env{cloud_, config_, {"insight", deadline_, "run9", nullptr}, state_dir()};
    env.extra_columns = extra_;
    CloudImporter importer(options_);
    std::optional<ImportReport> report;
    error_.clear();
    asio::co_spawn(io_, importer.import(set_, env),
                   asio::bind_cancellation_slot(
                       cancel_.slot(), [&](std::exception_ptr e, std::optional<ImportReport> r) {
                         if (!e) report = std::move(r);
                         try {
                           if (e) std::rethrow_exception(e);
                         } catch (const std::exception& error) {
                           error_ = error.what();
                         }
                       }));
    io_.restart();
    io_.run();
    return report;
  }

  qi::testing::TempDir dir_;
  config::InsightConfig config_;
  ImportSet set_;
  config::ExtraColumns extra_;  // output.extra_columns
  FakeCloud cloud_;
  CloudImporterOptions options_{.poll_initial = std::chrono::milliseconds(1),
                                .poll_max = std::chrono::milliseconds(1)};
  std::chrono::steady_clock::time_point deadline_ =
      std::chrono::steady_clock::now() + std::chrono::minutes(1);
  asio::io_context io_;
  asio::cancellation_signal cancel_;
  std::string error_;
};

TEST_F(CloudImporterTest, RefusesALinkToAnotherHostAndSendsNothingThere) {
  cloud_.link_host = "evil.example";
  EXPECT_FALSE(import());
  EXPECT_NE(error_.find("leads to evil.example, not to assets.test"), std::string::npos) << error_;
  ASSERT_EQ(cloud_.requests.size(), 1u);
  EXPECT_EQ(cloud_.requests[0].url, testing::kInfoUrl);
}

TEST_F(CloudImporterTest, FailsClearlyWhenTheImportSourceIsDisabled) {
  cloud_.status = "DISABLED";
  EXPECT_FALSE(import());
  EXPECT_NE(error_.find("the Assets Cloud import source is DISABLED; enable it"), std::string::npos)
      << error_;
  EXPECT_EQ(cloud_.count(http::verb::post, "/executions"), 0u);
}

TEST_F(CloudImporterTest, PutsOurMappingWhenTheImportSourceHasNoneAndRecordsItsDigest) {
  cloud_.status = "MISSING_MAPPING";
  cloud_.mapping.reset();
  ASSERT_TRUE(import()) << error_;
  EXPECT_EQ(cloud_.count(http::verb::put, "/mapping"), 1u);
  EXPECT_EQ(cloud_.mapping, mapping_document(cloud_mapping()));
  const auto record = read_mapping_record(state_dir());
  ASSERT_TRUE(record);
  EXPECT_EQ(record->ours, mapping_digest(cloud_mapping()));
  EXPECT_EQ(record->server, mapping_digest(cloud_mapping()));
}

TEST_F(CloudImporterTest, LeavesAMappingTheOperatorEditedWhenManageMappingIsOff) {
  config_.cloud.manage_mapping = false;
  cloud_.mapping = R"({"schema":{},"mapping":{"edited":true}})";
  ASSERT_TRUE(import()) << error_;
  EXPECT_EQ(cloud_.count(http::verb::put, "/mapping"), 0u);
}

TEST_F(CloudImporterTest, PutsOverAnEditedMappingWhenManageMappingIsOn) {
  cloud_.mapping = R"({"schema":{},"mapping":{"edited":true}})";
  ASSERT_TRUE(import()) << error_;
  EXPECT_EQ(cloud_.count(http::verb::put, "/mapping"), 1u);
}

TEST_F(CloudImporterTest, PutsNothingWhenTheImportSourceHoldsOurMapping) {
  cloud_.mapping = mapping_document(cloud_mapping());
  ASSERT_TRUE(import()) << error_;
  EXPECT_EQ(cloud_.count(http::verb::put, "/mapping"), 0u);
  EXPECT_TRUE(read_mapping_record(state_dir()));
}

// The files published with the vm column Status chosen, and the push told so.
void choose_vm_status(config::ExtraColumns& extra, ImportSet& set, const std::filesystem::path& out,
                      const std::filesystem::path& state) {
  auto rows = testing::small_rows();
  rows.columns.vm = {config::Column::vm_status};
  extra = rows.columns;
  set = testing::write_set(out, state, rows);
}

TEST_F(CloudImporterTest, PutsTheMappingAgainWhenTheExtraColumnsChange) {
  ASSERT_TRUE(import()) << error_;
  ASSERT_EQ(cloud_.mapping, mapping_document(cloud_mapping()));
  choose_vm_status(extra_, set_, dir_.path() / "out", state_dir());
  ASSERT_TRUE(import()) << error_;
  EXPECT_EQ(cloud_.count(http::verb::put, "/mapping"), 2u);
  EXPECT_EQ(cloud_.mapping, mapping_document(cloud_mapping(extra_)));
  EXPECT_EQ(read_mapping_record(state_dir())->ours, mapping_digest(cloud_mapping(extra_)));
  ASSERT_TRUE(import()) << error_;
  EXPECT_EQ(cloud_.count(http::verb::put, "/mapping"), 2u);
}

TEST_F(CloudImporterTest, KeepsAnEditedMappingWhenTheExtraColumnsChangeAndManageMappingIsOff) {
  ASSERT_TRUE(import()) << error_;
  const std::string edited = R"({"schema":{},"mapping":{"edited":true}})";
  cloud_.mapping = edited;
  config_.cloud.manage_mapping = false;
  choose_vm_status(extra_, set_, dir_.path() / "out", state_dir());
  ASSERT_TRUE(import()) << error_;
  EXPECT_EQ(cloud_.count(http::verb::put, "/mapping"), 1u);
  EXPECT_EQ(cloud_.mapping, edited);
  config_.cloud.manage_mapping = true;
  ASSERT_TRUE(import()) << error_;
  EXPECT_EQ(cloud_.count(http::verb::put, "/mapping"), 2u);
  EXPECT_EQ(cloud_.mapping, mapping_document(cloud_mapping(extra_)));
}

TEST_F(CloudImporterTest, RefusesFilesPublishedBeforeTheSelectionBeforeSendingAnything) {
  extra_.vm = {config::Column::vm_status};
  EXPECT_FALSE(import());
  EXPECT_NE(error_.find("vm.csv has no column \"Status\""), std::string::npos) << error_;
  EXPECT_TRUE(cloud_.requests.empty());
}

TEST_F(CloudImporterTest, RefusesAPushOverMaxObjectsBeforeSendingAnything) {
  config_.cloud.max_objects = 5;  // the set makes 2 + 1 + 1 + 2 objects
  EXPECT_FALSE(import());
  EXPECT_NE(error_.find("the push would make 6 objects in Assets (2 Host from assets.csv, 1 "
                        "Vulnerability from vulnkb.csv, 1 CVE from cve.csv, 2 Detection from "
                        "vm.csv), more than insight.cloud.max_objects (5); nothing was sent"),
            std::string::npos)
      << error_;
  EXPECT_TRUE(cloud_.requests.empty());
}

TEST_F(CloudImporterTest, SendsTheFilesInPushOrderWithConsecutiveChunkIdsThenTheClosingChunk) {
  config_.cloud.chunk_objects = 1;
  ASSERT_TRUE(import()) << error_;
  std::vector<std::string> sent;
  for (const auto& r : cloud_.requests) {
    if (r.url.ends_with("/data")) sent.push_back(r.json_body.substr(0, r.json_body.find('[')));
  }
  EXPECT_EQ(sent,
            (std::vector<std::string>{
                R"({"data":{"hosts":)", R"({"data":{"hosts":)", R"({"data":{"vulnerabilities":)",
                R"({"data":{"cves":)", R"({"data":{"detections":)", R"({"data":{"detections":)",
                R"({"data":{},"clientGeneratedId":"run9-7","completed":true})"}));
}

TEST_F(CloudImporterTest, ReportsTheCountsPerObjectTypeAsAssetsGivesThem) {
  const auto report = import();
  ASSERT_TRUE(report) << error_;
  ASSERT_EQ(report->counts.size(), 1u);
  EXPECT_EQ(report->counts[0].what, "Host");
  EXPECT_EQ(report->counts[0].status, "DONE");
  EXPECT_EQ(report->counts[0].created, 2);
  EXPECT_EQ(report->counts[0].updated, 0);
  EXPECT_EQ(report->summary, "Assets Cloud execution DONE: 2 created, 0 updated, 0 failed");
}

TEST_F(CloudImporterTest, CancelsTheExecutionWhenAssetsRefusesAChunk) {
  cloud_.script = [](const JiraRequest& r) -> std::optional<JiraResponse> {
    if (!r.url.ends_with("/data")) return std::nullopt;
    return JiraResponse{400,
                        R"({"errorMessages":[],"dataValidationErrors":[{"code":)"
                        R"("UNKNOWN_SELECTOR","message":"no mapping for hosts","path":"data"}]})",
                        {}};
  };
  EXPECT_FALSE(import());
  EXPECT_NE(error_.find("HTTP 400 from /jsm/assets/workspace/ws/v1/importsource/7/executions/e1/"
                        "data: UNKNOWN_SELECTOR: no mapping for hosts (data)"),
            std::string::npos)
      << error_;
  ASSERT_EQ(cloud_.count(http::verb::delete_, "/executions/e1"), 1u);
  EXPECT_EQ(cloud_.requests.back().method, http::verb::delete_);
}

TEST_F(CloudImporterTest, CancelsTheExecutionWithAFreshDeadlineWhenThePushIsCancelled) {
  cloud_.hold_data = true;
  cloud_.on_hold = [this] {
    asio::post(io_, [this] { cancel_.emit(asio::cancellation_type::terminal); });
  };
  EXPECT_FALSE(import());
  EXPECT_NE(error_.find("anceled"), std::string::npos) << error_;
  ASSERT_EQ(cloud_.requests.back().method, http::verb::delete_);
  EXPECT_EQ(cloud_.requests.back().url, cloud_.execution());
  // The job's deadline is gone by then; the cancel request has its own, a few seconds ahead.
  EXPECT_LT(cloud_.contexts.back().deadline,
            std::chrono::steady_clock::now() + options_.cancel_timeout);
  EXPECT_NE(cloud_.contexts.back().deadline, deadline_);
}

TEST_F(CloudImporterTest, CancelsAnExecutionAnInterruptedPushLeftIngestingThenPushes) {
  cloud_.status = "RUNNING";
  cloud_.execution_status = "INGESTING";
  cloud_.script = [this](const JiraRequest& r) -> std::optional<JiraResponse> {
    if (r.method == http::verb::delete_) cloud_.execution_status = "DONE";
    return std::nullopt;
  };
  ASSERT_TRUE(import()) << error_;
  EXPECT_EQ(cloud_.count(http::verb::delete_, "/executions/e1"), 1u);
  EXPECT_EQ(cloud_.count(http::verb::post, "/executions"), 1u);
}

TEST_F(CloudImporterTest, FailsWhenTheExecutionEndsCancelledWithoutCancellingItAgain) {
  cloud_.execution_status = "CANCELLED";
  EXPECT_FALSE(import());
  EXPECT_NE(error_.find("ended CANCELLED instead of DONE"), std::string::npos) << error_;
  EXPECT_EQ(cloud_.count(http::verb::delete_, ""), 0u);
}

TEST_F(CloudImporterTest, PushesHostsWithoutHostIdsWhenTheRecordBelongsToAnotherAssetsCsv) {
  std::ofstream(state_dir() / "base" / "assets-run1" / "assets.csv", std::ios::app) << "\n";
  const auto report = import();
  ASSERT_TRUE(report) << error_;
  EXPECT_NE(report->counts[0].message.find("Hosts are pushed without host IDs"), std::string::npos);
  for (const auto& r : cloud_.requests) {
    if (r.json_body.starts_with(R"({"data":{"hosts")")) {
      EXPECT_NE(r.json_body.find(R"("assetId":"1001","hostId":"")"), std::string::npos);
    }
  }
}

// The data chunk bodies of the push, in order.
std::vector<std::string> data_bodies(const FakeCloud& cloud) {
  std::vector<std::string> bodies;
  for (const auto& r : cloud.requests) {
    if (r.url.ends_with("/data")) bodies.push_back(r.json_body);
  }
  return bodies;
}

TEST_F(CloudImporterTest, PushesOnlyTheVulnerabilitiesAndCvesOfTheDetectedQidsByDefault) {
  set_ = testing::write_set(dir_.path() / "out", state_dir(), testing::rows_with_undetected_qids());
  ASSERT_TRUE(import()) << error_;
  const auto bodies = data_bodies(cloud_);
  ASSERT_EQ(bodies.size(), 5u);  // hosts, vulnerabilities, cves, detections, closing
  EXPECT_EQ(bodies[1],
            R"({"data":{"vulnerabilities":[{"qid":"38170","title":"SSL Certificate - Self-Signed",)"
            R"("category":"General remote services","severity":2}]},)"
            R"("clientGeneratedId":"run9-2","completed":false})");
  EXPECT_EQ(bodies[2], R"({"data":{"cves":[{"cveId":"CVE-2021-44228","qid":"38170"}]},)"
                       R"("clientGeneratedId":"run9-3","completed":false})");
}

TEST_F(CloudImporterTest, PushesTheWholeKnowledgeBaseWithVulnerabilitiesAll) {
  config_.cloud.vulnerabilities = config::CloudVulnerabilities::all;
  set_ = testing::write_set(dir_.path() / "out", state_dir(), testing::rows_with_undetected_qids());
  ASSERT_TRUE(import()) << error_;
  const auto bodies = data_bodies(cloud_);
  ASSERT_EQ(bodies.size(), 5u);
  for (const char* qid : {"38170", "11827", "105489"}) {
    const std::string value = std::string(R"("qid":")") + qid + "\"";
    EXPECT_NE(bodies[1].find(value), std::string::npos) << qid;
    EXPECT_NE(bodies[2].find(value), std::string::npos) << qid;
  }
}

TEST_F(CloudImporterTest, ChecksMaxObjectsAgainstTheDetectedScopeExactly) {
  set_ = testing::write_set(dir_.path() / "out", state_dir(), testing::rows_with_undetected_qids());
  config_.cloud.max_objects = 6;  // 2 hosts + 1 QID + 1 CVE + 2 detections; the KB has 3 + 3
  ASSERT_TRUE(import()) << error_;
  config_.cloud.max_objects = 5;
  cloud_.requests.clear();
  EXPECT_FALSE(import());
  EXPECT_NE(error_.find("the push would make 6 objects in Assets (2 Host from assets.csv, 1 "
                        "Vulnerability from vulnkb.csv, 1 CVE from cve.csv, 2 Detection from "
                        "vm.csv), more than insight.cloud.max_objects (5); nothing was sent. It "
                        "holds the Vulnerabilities and CVEs of the 1 QIDs vm.csv names"),
            std::string::npos)
      << error_;
  EXPECT_TRUE(cloud_.requests.empty());
}

TEST_F(CloudImporterTest, CountsTheWholeKnowledgeBaseWithVulnerabilitiesAllAndSaysHowToNarrowIt) {
  set_ = testing::write_set(dir_.path() / "out", state_dir(), testing::rows_with_undetected_qids());
  config_.cloud.vulnerabilities = config::CloudVulnerabilities::all;
  config_.cloud.max_objects = 9;  // 2 + 3 + 3 + 2
  EXPECT_FALSE(import());
  EXPECT_NE(error_.find("the push would make 10 objects"), std::string::npos) << error_;
  EXPECT_NE(error_.find("push only the detected QIDs (insight.cloud.vulnerabilities: detected)"),
            std::string::npos)
      << error_;
  EXPECT_TRUE(cloud_.requests.empty());
}

}  // namespace
}  // namespace qi::insight
