// The Data Center importer against the Assets simulator over HTTPS on loopback: the order of the
// imports, each waited for, a run already going waited for, both REST roots, both credentials,
// the refusals and faults, the deadline, and the counts as Jira reports them.
#include "insight/dc_importer.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "insight/simulated_assets.hpp"

namespace qi::insight {
namespace {

using namespace std::chrono_literals;
using assets_sim::AssetsSimOptions;
using assets_sim::parse_fault_spec;
using qi::testing::CapturedLog;
using qi::testing::SimulatedAssets;

ImportSet published_set(std::initializer_list<const char*> names = {"assets.csv", "vulnkb.csv",
                                                                    "cve.csv", "vm.csv"}) {
  ImportSet set;
  set.id = "set-1";
  for (const char* name : names) {
    ImportFile file;
    file.name = name;
    file.path = name;
    set.files.push_back(file);
  }
  return set;
}

class DcImporterTest : public ::testing::Test {
 protected:
  explicit DcImporterTest(AssetsSimOptions options = SimulatedAssets::fast_options())
      : assets_(std::move(options)) {
    config_.mode = config::InsightMode::datacenter;
    config_.url = assets_.base_url() + "/";
    config_.token_file = assets_.token_file();
    config_.imports = {.assets = 11, .vulnkb = 12, .cve = 13, .vm = 14};
    transport_options_.credential = {JiraCredential::Kind::bearer_token, assets_.token_file()};
    transport_options_.retry = {
        .max_attempts = 4, .backoff_initial = 5ms, .backoff_max = 20ms, .max_server_wait = 5s};
  }

  ImportReport import(const ImportSet& set = published_set()) {
    auto transport = make_jira_transport(*client_, transport_options_);
    ImportEnvironment env{.transport = *transport,
                          .config = config_,
                          .context = {.job = "insight",
                                      .deadline = std::chrono::steady_clock::now() + deadline_,
                                      .run_id = "run-1",
                                      .retries = nullptr},
                          .state_dir = {},
                          .double_backslashes = false,
                          .on_progress = [](std::string_view) {}};
    DcImporter importer(DcPolling{.first = 10ms, .longest = 40ms});
    return qi::testing::run_coroutine<ImportReport>(io_,
                                                    [&]() { return importer.import(set, env); });
  }

  // The message of the qi::FatalError the import throws; fails the test when it throws none.
  std::string failure(const ImportSet& set = published_set()) {
    try {
      import(set);
    } catch (const FatalError& error) {
      return error.what();
    }
    ADD_FAILURE() << "no FatalError";
    return {};
  }

  // Targets of the recorded requests, as "GET /rest/..." in the order they came.
  std::vector<std::string> requests() {
    std::vector<std::string> out;
    for (const auto& r : assets_.simulator().requests()) out.push_back(r.method + " " + r.target);
    return out;
  }
  std::size_t count_under(const std::string& prefix) {
    std::size_t n = 0;
    for (const auto& r : assets_.simulator().requests()) n += r.target.starts_with(prefix) ? 1 : 0;
    return n;
  }

  SimulatedAssets assets_;
  boost::asio::io_context io_;
  std::unique_ptr<net::HttpClient> client_ = assets_.client(io_);
  config::InsightConfig config_;
  JiraTransportOptions transport_options_;
  std::chrono::milliseconds deadline_ = 20s;
};

TEST_F(DcImporterTest, ImportsAssetsVulnkbCveThenVmEachAfterThePreviousFinished) {
  const auto report = import();
  EXPECT_EQ(assets_.simulator().dc_starts(), (std::vector<std::int64_t>{11, 12, 13, 14}));
  // Before each start, the previous source's progress was read after its own start.
  const auto seen = requests();
  const auto at = [&](const std::string& request) {
    return std::ranges::find(seen, request) - seen.begin();
  };
  const std::string root = "/rest/assets/1.0/";
  for (const auto& [previous, next] : {std::pair{11, 12}, {12, 13}, {13, 14}}) {
    const auto last_look =
        std::find(seen.rbegin(), seen.rend(),
                  "GET " + root + "progress/category/imports/" + std::to_string(previous));
    EXPECT_LT(seen.rend() - last_look - 1,
              at("POST " + root + "import/start/" + std::to_string(next)));
    EXPECT_GT(seen.rend() - last_look - 1,
              at("POST " + root + "import/start/" + std::to_string(previous)));
  }
  EXPECT_EQ(report.counts.size(), 4u);
}

TEST_F(DcImporterTest, RecordsStatusResultMessageAndCountsAsJiraGivesThem) {
  const auto first = import();
  ASSERT_EQ(first.counts.size(), 4u);
  const auto& assets = first.counts[0];
  EXPECT_EQ(assets.what, "import source 11 (assets.csv)");
  EXPECT_EQ(assets.status, "FINISHED");
  EXPECT_EQ(assets.result, "OK");
  EXPECT_EQ(assets.message, "Import finished");
  EXPECT_EQ(assets.created, 10);
  EXPECT_EQ(assets.updated, 0);
  EXPECT_EQ(assets.failed, 0);
  EXPECT_EQ(first.summary, "4 imports finished: 100 created, 0 updated, 0 failed");
  const auto second = import();
  EXPECT_EQ(second.counts[3].created, 0);
  EXPECT_EQ(second.counts[3].updated, 40);
  EXPECT_EQ(second.summary, "4 imports finished: 0 created, 100 updated, 0 failed");
}

TEST_F(DcImporterTest, LogsWhatJiraSaidAboutEachFinishedImport) {
  CapturedLog log;
  import();
  EXPECT_NE(log.text().find("import source 14 (vm.csv) finished: status FINISHED, result OK, "
                            "message 'Import finished'; 40 created, 0 updated, 0 failed; Jira "
                            "said: {\"resourceId\":\"14\""),
            std::string::npos)
      << log.text();
  EXPECT_NE(log.text().find("Jira Assets REST root " + assets_.base_url() +
                            "/rest/assets/1.0 (found with insight.api_root auto)"),
            std::string::npos)
      << log.text();
  EXPECT_EQ(log.text().find("jira-pat"), std::string::npos);
}

class DcImporterWithARunningImport : public DcImporterTest {
 protected:
  static AssetsSimOptions running_vulnkb() {
    auto options = SimulatedAssets::fast_options();
    options.dc.running_at_start = {12};
    options.dc.step_duration = 200ms;  // it runs 600 ms from the simulator's start
    return options;
  }
  DcImporterWithARunningImport() : DcImporterTest(running_vulnkb()) {}
};

TEST_F(DcImporterWithARunningImport, WaitsForItToEndThenStartsOurs) {
  CapturedLog log;
  import(published_set({"vulnkb.csv"}));
  EXPECT_EQ(assets_.simulator().dc_starts(), std::vector<std::int64_t>{12});
  // Ours was started once, after the other run ended: Jira never had to refuse it.
  EXPECT_EQ(count_under("/rest/assets/1.0/import/start/12"), 1u);
  EXPECT_NE(log.text().find("import source 12 (vulnkb.csv) is already running in Jira, "
                            "IN_PROGRESS"),
            std::string::npos)
      << log.text();
  EXPECT_NE(log.text().find("waiting for it to end before starting ours; looking again in"),
            std::string::npos);
}

TEST_F(DcImporterWithARunningImport, GivesUpAtTheDeadlineWithoutStartingOurs) {
  deadline_ = 100ms;
  const auto message = failure(published_set({"vulnkb.csv"}));
  EXPECT_NE(message.find("import source 12 (vulnkb.csv) was already running in Jira"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("insight.timeout"), std::string::npos) << message;
  EXPECT_TRUE(assets_.simulator().dc_starts().empty());
}

class DcImporterWithSlowImports : public DcImporterTest {
 protected:
  static AssetsSimOptions slow() {
    auto options = SimulatedAssets::fast_options();
    options.dc.step_duration = 10s;
    return options;
  }
  DcImporterWithSlowImports() : DcImporterTest(slow()) {}
};

TEST_F(DcImporterWithSlowImports, ADeadlineWhilePollingFailsNamingTheSourceAndStartsNoMore) {
  deadline_ = 300ms;
  const auto start = std::chrono::steady_clock::now();
  const auto message = failure();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_NE(message.find("import source 11 (assets.csv) is still running in Jira (IN_PROGRESS"),
            std::string::npos)
      << message;
  EXPECT_EQ(assets_.simulator().dc_starts(), std::vector<std::int64_t>{11});
}

class DcImporterWithoutTheAssetsRoot : public DcImporterTest {
 protected:
  static AssetsSimOptions insight_only() {
    auto options = SimulatedAssets::fast_options();
    options.dc.assets_root = false;
    return options;
  }
  DcImporterWithoutTheAssetsRoot() : DcImporterTest(insight_only()) {}
};

TEST_F(DcImporterWithoutTheAssetsRoot, FallsBackToTheDeprecatedInsightRootOn404) {
  CapturedLog log;
  import();
  EXPECT_EQ(assets_.simulator().dc_starts(), (std::vector<std::int64_t>{11, 12, 13, 14}));
  EXPECT_EQ(count_under("/rest/assets/1.0/"), 1u);
  EXPECT_NE(log.text().find("/rest/insight/1.0 (found with insight.api_root auto)"),
            std::string::npos)
      << log.text();
}

TEST_F(DcImporterWithoutTheAssetsRoot, AFixedRootIsUsedAsItIsWithoutFallback) {
  config_.api_root = "/rest/assets/1.0/";
  const auto message = failure();
  EXPECT_NE(message.find("import source ID 11"), std::string::npos) << message;
  EXPECT_NE(message.find("insight.imports.assets"), std::string::npos) << message;
  EXPECT_EQ(count_under("/rest/insight/1.0/"), 0u);
}

TEST_F(DcImporterTest, AFixedDeprecatedRootIsTheOnlyOneAsked) {
  config_.api_root = "/rest/insight/1.0";
  import();
  EXPECT_EQ(count_under("/rest/assets/1.0/"), 0u);
  EXPECT_EQ(assets_.simulator().dc_starts().size(), 4u);
}

TEST_F(DcImporterTest, ImportsWithBasicAuthentication) {
  config_.token_file.clear();
  config_.credentials_file = assets_.login_file();
  transport_options_.credential = {JiraCredential::Kind::basic_login, assets_.login_file()};
  import();
  EXPECT_EQ(assets_.simulator().dc_starts().size(), 4u);
  EXPECT_TRUE(assets_.simulator().requests().back().header("Authorization").starts_with("Basic "));
}

TEST_F(DcImporterTest, ARefusedTokenFailsAtOnceNamingItsFile) {
  transport_options_.credential.file = assets_.write_secret("old.token", "revoked-pat\n");
  const auto message = failure();
  EXPECT_NE(message.find("HTTP 401"), std::string::npos) << message;
  EXPECT_NE(message.find(transport_options_.credential.file.string()), std::string::npos);
  EXPECT_EQ(assets_.simulator().requests().size(), 1u);
}

TEST_F(DcImporterTest, A403OnTheStartFailsAtOnce) {
  assets_.simulator().add_fault(parse_fault_spec("dc-start:status:403"));
  const auto message = failure();
  EXPECT_NE(message.find("start import source 11 (assets.csv)"), std::string::npos) << message;
  EXPECT_NE(message.find("HTTP 403"), std::string::npos) << message;
  EXPECT_TRUE(assets_.simulator().dc_starts().empty());
}

TEST_F(DcImporterTest, AnUnknownImportSourceFailsNamingItsIdAfterTheImportsBeforeIt) {
  config_.imports.vulnkb = 99;
  const auto message = failure();
  EXPECT_NE(message.find("import source ID 99"), std::string::npos) << message;
  EXPECT_NE(message.find("insight.imports.vulnkb"), std::string::npos) << message;
  EXPECT_EQ(assets_.simulator().dc_starts(), std::vector<std::int64_t>{11});
}

TEST_F(DcImporterTest, RetriesA429AndA503AndAReset) {
  assets_.simulator().add_fault(parse_fault_spec("dc-start:429:0"));
  auto unavailable = parse_fault_spec("dc-progress:status:503,nth=3");
  unavailable.seconds = 0;  // Retry-After: 0
  assets_.simulator().add_fault(unavailable);
  assets_.simulator().add_fault(parse_fault_spec("dc-start:reset,nth=2"));
  const auto report = import();
  EXPECT_EQ(assets_.simulator().dc_starts(), (std::vector<std::int64_t>{11, 12, 13, 14}));
  EXPECT_EQ(report.counts.size(), 4u);
}

TEST_F(DcImporterTest, AStartWhoseAnswerWasLostIsRecordedNotStartedTwice) {
  assets_.simulator().add_fault(parse_fault_spec("dc-start:reset-after-apply"));
  const auto report = import();
  EXPECT_EQ(count_under("/rest/assets/1.0/import/start/11"), 2u);
  EXPECT_EQ(assets_.simulator().dc_starts(), (std::vector<std::int64_t>{11, 12, 13, 14}));
  EXPECT_EQ(report.counts[0].status, "FINISHED");
  EXPECT_EQ(report.counts[0].created, 10);
}

TEST_F(DcImporterTest, ARunJiraEndsAsFailedIsAFatalErrorNamingTheSourceAndStopsTheSequence) {
  assets_.simulator().add_fault(parse_fault_spec("dc-start:failed-run"));
  const auto message = failure();
  EXPECT_NE(message.find("import source 11 (assets.csv): Jira ended the import as failed "
                         "(status FINISHED, result FAILED)"),
            std::string::npos)
      << message;
  EXPECT_EQ(assets_.simulator().dc_starts(), std::vector<std::int64_t>{11});
}

TEST_F(DcImporterTest, SkipsASourceWhoseFileIsNotPublished) {
  const auto report = import(published_set({"assets.csv", "vulnkb.csv", "cve.csv"}));
  EXPECT_EQ(assets_.simulator().dc_starts(), (std::vector<std::int64_t>{11, 12, 13}));
  ASSERT_EQ(report.counts.size(), 4u);
  EXPECT_EQ(report.counts[3].status, "SKIPPED");
  EXPECT_EQ(report.summary,
            "3 imports finished: 60 created, 0 updated, 0 failed; 1 skipped (file not published)");
}

TEST_F(DcImporterTest, ImportsOnlyTheConfiguredSources) {
  config_.imports = {.assets = {}, .vulnkb = {}, .cve = 13, .vm = 14};
  import();
  EXPECT_EQ(assets_.simulator().dc_starts(), (std::vector<std::int64_t>{13, 14}));
}

TEST_F(DcImporterTest, RefusesASetWithNoneOfTheConfiguredFiles) {
  config_.imports = {.assets = {}, .vulnkb = {}, .cve = {}, .vm = 14};
  const auto message = failure(published_set({"assets.csv"}));
  EXPECT_NE(message.find("nothing to import"), std::string::npos) << message;
  EXPECT_TRUE(assets_.simulator().requests().empty());
}

}  // namespace
}  // namespace qi::insight
