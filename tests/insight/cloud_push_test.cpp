// The Cloud importer end to end against the Assets simulator over HTTPS on loopback, through the
// real transport: the objects and references Assets holds after a push, a second push updating
// them, max_objects, a chunk retried under its own clientGeneratedId, the execution cancelled at
// the deadline, a regenerated container token, the push narrowed to the detected QIDs, and the
// extra columns of output.extra_columns as typed attributes.
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
    env.extra_columns = extra_;
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
  std::size_t mapping_puts() {
    std::size_t puts = 0;
    for (const auto& r : assets_.simulator().requests()) {
      puts += r.method == "PUT" && r.target.ends_with("/mapping") ? 1 : 0;
    }
    return puts;
  }
  // The files published with `rows`' extra columns, and the push told about them; the assets
  // base is left out when `with_base` is false.
  void publish(const testing::SetRows& rows, bool with_base) {
    extra_ = rows.columns;
    set_ = testing::write_set(dir_.path() / "out", with_base ? state_dir() : "", rows);
  }
  std::map<std::string, assets_sim::StoredObject> stored() {
    std::map<std::string, assets_sim::StoredObject> objects;
    for (auto& object : assets_.simulator().objects()) {
      objects[object.object_type + " " + object.external_id] = object;
    }
    return objects;
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
  config::ExtraColumns extra_;  // output.extra_columns
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
  EXPECT_EQ(mapping_puts(), 1u);
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

using config::Column;
using Values = std::vector<std::string>;

// small_rows() with columns of each file that has extra columns: the assets' own Host IDs (the
// assets base is not written), and a column of every value kind.
testing::SetRows rows_with_extra_columns() {
  auto rows = testing::small_rows();
  rows.host_ids.clear();
  rows.columns.assets = {Column::asset_host_id, Column::asset_dns_name, Column::asset_agent_id};
  rows.columns.vulnkb = {Column::kb_cvss_v3_base, Column::kb_patchable, Column::kb_threat_intel,
                         Column::kb_published};
  rows.columns.vm = {Column::vm_status, Column::vm_severity, Column::vm_ports,
                     Column::vm_is_ignored, Column::vm_first_found};
  rows.extra_cells["assets.csv"] = {{"501", "web.example.com", "a-1"}, {"502", "", ""}};
  rows.extra_cells["vulnkb.csv"] = {
      {"7.5", "1", "Exploit_Public||Active_Attacks", "2021-12-10T00:00:00.000Z"}};
  rows.extra_cells["vm.csv"] = {{"Active", "3", "80||443", "0", "2026-01-02T03:04:05.000Z"},
                                {"New", "", "", "1", ""}};
  return rows;
}

TEST_F(CloudPushTest, ExtraColumnsOfEachFileArriveAsTheValuesOfTheirAttributes) {
  publish(rows_with_extra_columns(), false);
  EXPECT_EQ(import().summary, "Assets Cloud execution DONE: 6 created, 0 updated, 0 failed");
  const auto objects = stored();
  const auto& web = objects.at("qualys-insight/host 1001").attributes;
  EXPECT_EQ(web.at("qualys-insight/host/host-id"), Values{"501"});
  EXPECT_EQ(web.at("qualys-insight/host/extra-dns-name"), Values{"web.example.com"});
  EXPECT_EQ(web.at("qualys-insight/host/extra-agent-id"), Values{"a-1"});
  EXPECT_FALSE(web.contains("qualys-insight/host/extra-host-id"));
  const auto& db = objects.at("qualys-insight/host 1002").attributes;
  EXPECT_EQ(db.at("qualys-insight/host/host-id"), Values{"502"});
  EXPECT_EQ(db.at("qualys-insight/host/extra-dns-name"), Values{""});
  const auto& qid = objects.at("qualys-insight/vulnerability 38170").attributes;
  EXPECT_EQ(qid.at("qualys-insight/vulnerability/extra-cvss-v3-base"), Values{"7.5"});
  EXPECT_EQ(qid.at("qualys-insight/vulnerability/extra-patchable"), Values{"true"});
  EXPECT_EQ(qid.at("qualys-insight/vulnerability/extra-threat-intelligence"),
            (Values{"Exploit_Public", "Active_Attacks"}));
  EXPECT_EQ(qid.at("qualys-insight/vulnerability/extra-published"),
            Values{"2021-12-10T00:00:00.000Z"});
  const auto& active = objects.at("qualys-insight/detection 501-38170").attributes;
  EXPECT_EQ(active.at("qualys-insight/detection/host"), Values{"qualys-insight/host/1001"});
  EXPECT_EQ(active.at("qualys-insight/detection/extra-status"), Values{"Active"});
  EXPECT_EQ(active.at("qualys-insight/detection/extra-severity"), Values{"3"});
  EXPECT_EQ(active.at("qualys-insight/detection/extra-ports"), (Values{"80", "443"}));
  EXPECT_EQ(active.at("qualys-insight/detection/extra-is-ignored"), Values{"false"});
  EXPECT_EQ(active.at("qualys-insight/detection/extra-first-found"),
            Values{"2026-01-02T03:04:05.000Z"});
  const auto& fresh = objects.at("qualys-insight/detection 502-38170").attributes;
  EXPECT_EQ(fresh.at("qualys-insight/detection/host"), Values{"qualys-insight/host/1002"});
  EXPECT_EQ(fresh.at("qualys-insight/detection/extra-is-ignored"), Values{"true"});
  for (const char* empty : {"severity", "ports", "first-found"}) {
    EXPECT_FALSE(fresh.contains(std::string("qualys-insight/detection/extra-") + empty)) << empty;
  }
}

TEST_F(CloudPushTest, ASecondPushWithTheSameExtraColumnsOnlyUpdates) {
  publish(rows_with_extra_columns(), false);
  import();
  run_id_ = "run2";
  const auto second = import();
  EXPECT_EQ(total(second, &ImportCount::created), 0);
  EXPECT_EQ(total(second, &ImportCount::updated), 6);
  EXPECT_EQ(mapping_puts(), 1u);
}

TEST_F(CloudPushTest, AChangedSelectionPutsTheMappingAgainAndUpdatesTheObjects) {
  import();
  publish(rows_with_extra_columns(), true);
  run_id_ = "run2";
  const auto second = import();
  EXPECT_EQ(mapping_puts(), 2u);
  EXPECT_EQ(total(second, &ImportCount::updated), 6);
  EXPECT_EQ(stored()
                .at("qualys-insight/detection 501-38170")
                .attributes.at("qualys-insight/detection/extra-ports"),
            (Values{"80", "443"}));
}

TEST_F(CloudPushTest, ACellThatIsNotOfItsTypeFailsOnlyItsObjectInAssets) {
  auto rows = rows_with_extra_columns();
  rows.extra_cells["vm.csv"][0][1] = "high";  // Severity
  publish(rows, false);
  const auto report = import();
  EXPECT_EQ(report.summary, "Assets Cloud execution DONE: 5 created, 0 updated, 1 failed");
  for (const auto& count : report.counts) {
    if (count.what != "Detection") continue;
    EXPECT_NE(count.message.find("'high' is not an integer"), std::string::npos) << count.message;
  }
}

}  // namespace
}  // namespace qi::insight
