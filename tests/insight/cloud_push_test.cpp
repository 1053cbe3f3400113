// The Cloud importer end to end against the Assets simulator over HTTPS on loopback, through the
// real transport: the objects and references Assets holds after a push, a second push updating
// them, max_objects, a chunk retried under its own clientGeneratedId, the execution cancelled at
// the deadline, a regenerated container token, and the push narrowed to the detected QIDs.
#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <set>

#include "cloud_test_set.hpp"
#include "common/error.hpp"
#include "insight/cloud_importer.hpp"
#include "insight/simulated_assets.hpp"

namespace qi::insight {
namespace {

using namespace std::chrono_literals;
using qi::testing::SimulatedAssets;

assets_sim::FaultRule fault(assets_sim::FaultKind kind, int status = 503) {
  assets_sim::FaultRule rule;
  rule.family = "data";
  rule.kind = kind;
  rule.status = status;
  rule.seconds = 0;
  return rule;
}

class CloudPushTest : public ::testing::Test {
 protected:
  CloudPushTest() {
    config_.mode = config::InsightMode::cloud;
    config_.cloud.info_url = assets_.base_url() + "/jsm/assets/v1/imports/info";
    config_.cloud.token_file = assets_.cloud_token_file();
    config_.cloud.chunk_objects = 2;
    set_ = testing::write_set(dir_.path() / "out", state_dir(), testing::small_rows());
  }
  std::filesystem::path state_dir() const { return dir_.path() / "state"; }

  JiraTransportOptions transport_options() const {
    JiraTransportOptions options;
    options.credential.file = config_.cloud.token_file;
    options.retry.max_attempts = 4;
    options.retry.backoff_initial = 5ms;
    options.retry.backoff_max = 20ms;
    options.requests_per_minute = 1000;
    return options;
  }

  // One import through the real transport, cancelled after `limit` as the job runner cancels a
  // job at its deadline.
  ImportReport import(std::chrono::milliseconds limit = 20s) {
    auto transport = make_jira_transport(*client_, transport_options());
    ImportEnvironment env{*transport,
                          config_,
                          {"insight", std::chrono::steady_clock::now() + limit, run_id_, nullptr},
                          state_dir()};
    CloudImporter importer(options_);
    ImportReport report;
    std::exception_ptr error;
    asio::cancellation_signal cancel;
    asio::steady_timer deadline(io_, limit);
    deadline.async_wait([&](boost::system::error_code ec) {
      if (!ec) cancel.emit(asio::cancellation_type::terminal);
    });
    asio::co_spawn(
        io_, importer.import(set_, env),
        asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e, ImportReport r) {
          error = e;
          report = std::move(r);
          deadline.cancel();
        }));
    io_.restart();
    io_.run();
    if (error) std::rethrow_exception(error);
    return report;
  }
  std::string failure(std::chrono::milliseconds limit = 20s) {
    try {
      import(limit);
    } catch (const std::exception& error) {
      return error.what();
    }
    ADD_FAILURE() << "the import succeeded";
    return {};
  }

  std::vector<qi::sim::RecordedRequest> data_requests() {
    std::vector<qi::sim::RecordedRequest> out;
    for (auto& r : assets_.simulator().requests()) {
      if (r.target.ends_with("/data")) out.push_back(std::move(r));
    }
    return out;
  }
  static std::int64_t total(const ImportReport& report,
                            std::optional<std::int64_t> ImportCount::*field) {
    std::int64_t n = 0;
    for (const auto& count : report.counts) n += (count.*field).value_or(0);
    return n;
  }

  SimulatedAssets assets_;
  qi::testing::TempDir dir_;
  config::InsightConfig config_;
  ImportSet set_;
  std::string run_id_ = "run1";
  CloudImporterOptions options_{.poll_initial = 10ms, .poll_max = 40ms};
  asio::io_context io_;
  std::unique_ptr<net::HttpClient> client_ = assets_.client(io_);
};

TEST_F(CloudPushTest, AFullPushLeavesEveryObjectInAssetsWithItsReferences) {
  const auto report = import();
  EXPECT_EQ(report.summary, "Assets Cloud execution DONE: 6 created, 0 updated, 0 failed");
  std::map<std::string, assets_sim::StoredObject> objects;
  for (auto& object : assets_.simulator().objects()) {
    objects[object.object_type + " " + object.external_id] = object;
  }
  ASSERT_EQ(objects.size(), 6u) << assets_.simulator().objects_json();
  const auto& host = objects.at("qualys-insight/host 1001");
  EXPECT_EQ(host.label, "1001");
  EXPECT_EQ(host.attributes.at("qualys-insight/host/host-id"), std::vector<std::string>{"501"});
  EXPECT_EQ(host.attributes.at("qualys-insight/host/asset-name"), std::vector<std::string>{"web"});
  const auto& detection = objects.at("qualys-insight/detection 501-38170");
  EXPECT_EQ(detection.label, "501-38170");
  EXPECT_EQ(detection.attributes.at("qualys-insight/detection/host"),
            std::vector<std::string>{"qualys-insight/host/1001"});
  EXPECT_EQ(detection.attributes.at("qualys-insight/detection/vulnerability"),
            std::vector<std::string>{"qualys-insight/vulnerability/38170"});
  EXPECT_EQ(objects.at("qualys-insight/detection 502-38170")
                .attributes.at("qualys-insight/detection/host"),
            std::vector<std::string>{"qualys-insight/host/1002"});
  EXPECT_EQ(objects.at("qualys-insight/cve CVE-2021-44228-38170")
                .attributes.at("qualys-insight/cve/vulnerability"),
            std::vector<std::string>{"qualys-insight/vulnerability/38170"});
  EXPECT_EQ(objects.at("qualys-insight/vulnerability 38170")
                .attributes.at("qualys-insight/vulnerability/severity"),
            std::vector<std::string>{"2"});
}

TEST_F(CloudPushTest, ASecondPushOnlyUpdatesAndKeepsTheMapping) {
  import();
  run_id_ = "run2";
  const auto second = import();
  EXPECT_EQ(total(second, &ImportCount::created), 0);
  EXPECT_EQ(total(second, &ImportCount::updated), 6);
  std::size_t mapping_puts = 0;
  for (const auto& r : assets_.simulator().requests()) {
    mapping_puts += r.method == "PUT" && r.target.ends_with("/mapping") ? 1 : 0;
  }
  EXPECT_EQ(mapping_puts, 1u);
}

TEST_F(CloudPushTest, APushOverMaxObjectsIsRefusedWithNothingSent) {
  config_.cloud.max_objects = 5;
  EXPECT_NE(failure().find("more than insight.cloud.max_objects (5); nothing was sent"),
            std::string::npos);
  EXPECT_TRUE(assets_.simulator().requests().empty());
}

TEST_F(CloudPushTest, AChunkIsRetriedWithItsOwnIdAfterA503AndAfterAReset) {
  assets_.simulator().add_fault(fault(assets_sim::FaultKind::http_status, 503));
  auto reset = fault(assets_sim::FaultKind::reset_after_apply);
  reset.nth = 3;  // the second chunk, after the 503 and its retry
  assets_.simulator().add_fault(reset);
  const auto report = import();
  EXPECT_EQ(total(report, &ImportCount::created), 6);
  const auto sent = data_requests();
  ASSERT_GE(sent.size(), 4u);
  EXPECT_EQ(sent[0].body, sent[1].body);
  EXPECT_NE(sent[1].body.find(R"("clientGeneratedId":"run1-1")"), std::string::npos);
  EXPECT_EQ(sent[2].body, sent[3].body);
  EXPECT_NE(sent[3].body.find(R"("clientGeneratedId":"run1-2")"), std::string::npos);
  EXPECT_EQ(assets_.simulator().objects().size(), 6u);
}

TEST_F(CloudPushTest, TheExecutionIsCancelledWhenTheDeadlinePassesMidPush) {
  auto slow = fault(assets_sim::FaultKind::slow);
  slow.delay = 5s;
  slow.times = 0;
  assets_.simulator().add_fault(slow);
  EXPECT_NE(failure(300ms).find("anceled"), std::string::npos);
  std::size_t cancels = 0;
  for (const auto& r : assets_.simulator().requests()) cancels += r.method == "DELETE" ? 1 : 0;
  EXPECT_EQ(cancels, 1u);
  EXPECT_TRUE(assets_.simulator().objects().empty());
}

TEST_F(CloudPushTest, ARegeneratedTokenFailsAtOnceNamingTheTokenFile) {
  assets_.simulator().regenerate_token();
  const std::string message = failure();
  EXPECT_NE(message.find("HTTP 401"), std::string::npos) << message;
  EXPECT_NE(message.find(assets_.cloud_token_file().string()), std::string::npos) << message;
  EXPECT_EQ(assets_.simulator().requests().size(), 1u);
}

TEST_F(CloudPushTest, OnlyTheDetectedQidsAndTheirCvesAreStoredInAssets) {
  set_ = testing::write_set(dir_.path() / "out", state_dir(), testing::rows_with_undetected_qids());
  const auto report = import();
  EXPECT_EQ(report.summary, "Assets Cloud execution DONE: 6 created, 0 updated, 0 failed");
  std::set<std::string> stored;
  for (const auto& object : assets_.simulator().objects()) {
    if (object.object_type != "qualys-insight/host" &&
        object.object_type != "qualys-insight/detection") {
      stored.insert(object.object_type + " " + object.external_id);
    }
  }
  EXPECT_EQ(stored, (std::set<std::string>{"qualys-insight/cve CVE-2021-44228-38170",
                                           "qualys-insight/vulnerability 38170"}));
}

TEST_F(CloudPushTest, TheWholeKnowledgeBaseIsStoredWithVulnerabilitiesAll) {
  set_ = testing::write_set(dir_.path() / "out", state_dir(), testing::rows_with_undetected_qids());
  config_.cloud.vulnerabilities = config::CloudVulnerabilities::all;
  EXPECT_EQ(import().summary, "Assets Cloud execution DONE: 10 created, 0 updated, 0 failed");
  EXPECT_EQ(assets_.simulator().objects().size(), 10u);
}

TEST_F(CloudPushTest, APushOfExactlyMaxObjectsInTheDetectedScopeGoesAndOneMoreIsRefused) {
  set_ = testing::write_set(dir_.path() / "out", state_dir(), testing::rows_with_undetected_qids());
  config_.cloud.max_objects = 5;
  EXPECT_NE(failure().find("the push would make 6 objects in Assets"), std::string::npos);
  EXPECT_TRUE(assets_.simulator().requests().empty());
  config_.cloud.max_objects = 6;
  EXPECT_EQ(import().summary, "Assets Cloud execution DONE: 6 created, 0 updated, 0 failed");
}

}  // namespace
}  // namespace qi::insight
