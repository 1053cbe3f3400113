// The insight job (jobs/insight_job) with an importer and a transport of the test's own: which
// set it hands over, how it checks the files against manifest.json before and after the import,
// what it records, and when it skips. Real files in a temp dir; no network.
#include "jobs/insight_job.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fstream>
#include <functional>

#include "common/error.hpp"
#include "insight/import_set.hpp"
#include "jobs/job_runner.hpp"
#include "net/origin.hpp"
#include "output/manifest.hpp"
#include "state/insight_record.hpp"
#include "state/state_dir.hpp"
#include "support/read_file.hpp"
#include "support/sha256_hex.hpp"
#include "support/temp_dir.hpp"

namespace qi::jobs {
namespace {

using qi::testing::read_file;
using qi::testing::sha256_hex;

class NoNetwork final : public net::HttpClient {
 public:
  asio::awaitable<void> send(const net::HttpRequest&, net::ResponseSink&) override {
    throw std::logic_error("no request expected");
    co_return;
  }
};

class NoJira final : public insight::JiraTransport {
 public:
  asio::awaitable<insight::JiraResponse> send(const insight::JiraRequest&,
                                              const qualys::CallContext&) override {
    throw std::logic_error("the fake importer sends nothing");
    co_return insight::JiraResponse{};
  }
};

// Remembers every set it was given; `during` runs inside each import (a publication racing it,
// a failure of Assets).
class RecordingImporter final : public insight::Importer {
 public:
  std::vector<insight::ImportSet> sets;
  std::function<void(int call)> during = [](int) {};
  bool hangs = false;  // waits until the run is cancelled (its deadline)

  asio::awaitable<insight::ImportReport> import(const insight::ImportSet& set,
                                                insight::ImportEnvironment&) override {
    sets.push_back(set);
    during(static_cast<int>(sets.size()));
    if (hangs) {
      asio::steady_timer never(co_await asio::this_coro::executor, std::chrono::hours(1));
      co_await never.async_wait(asio::use_awaitable);
    }
    insight::ImportReport report;
    report.counts.push_back({"Host", "DONE", "", "", 2, 0, 0});
    report.summary = "2 created";
    co_return report;
  }
};

class InsightJob : public ::testing::Test {
 protected:
  InsightJob() {
    config_.output.dir = dir_.path() / "output";
    config_.state.dir = dir_.path() / "state";
    config_.insight.mode = config::InsightMode::datacenter;
    config_.insight.url = "https://jira.example.com";
    std::filesystem::create_directories(config_.output.dir);
    std::filesystem::create_directories(config_.state.dir);
    publish({{"assets.csv", "\"AssetID\"\n\"1\"\n\"2\"\n"},
             {"vulnkb.csv", "\"QID_KB\"\n\"100\"\n"},
             {"cve.csv", "\"QID_CVE\",\"CVE_ID\"\n"},
             {"vm.csv", "\"Host ID\",\"QG HostID\",\"QID\"\n\"7\",\"\",\"100\"\n"}});
  }

  // Renames each file into place and then records it in manifest.json, as a publication does.
  void publish(const std::map<std::string, std::string>& files) {
    auto manifest = output::read_manifest(config_.output.dir);
    for (const auto& [name, text] : files) {
      const auto temp = config_.output.dir / ("." + name + ".tmp");
      std::ofstream(temp, std::ios::binary) << text;
      std::filesystem::rename(temp, config_.output.dir / name);
      auto entry = output::measure_file(config_.output.dir / name);
      entry.job = "test";
      manifest.files[name] = entry;
    }
    output::write_manifest(config_.output.dir, manifest);
  }

  RunOutcome run(bool force = false) {
    boost::asio::io_context io;
    NoNetwork http;
    qualys::QualysSession session(io.get_executor(), http,
                                  {net::parse_origin("https://qualysapi.example.com"),
                                   net::parse_origin("https://gateway.example.com")},
                                  {"user", "password", ""}, config_.qualys);
    InsightTools tools{jira_, importer_, std::chrono::milliseconds(0)};
    RunOutcome outcome;
    boost::asio::co_spawn(io,
                          run_job_with_deadline(JobKind::insight, session, config_,
                                                {.run_id = "insight-run-" + std::to_string(++runs_),
                                                 .force = force,
                                                 .insight = &tools}),
                          [&](std::exception_ptr error, RunOutcome done) {
                            if (error) std::rethrow_exception(error);
                            outcome = std::move(done);
                          });
    io.run();
    return outcome;
  }

  state::InsightRecord record() const {
    return state::read_insight_record(state::StateDir(config_.state.dir).insight_record());
  }

  qi::testing::TempDir dir_;
  config::Config config_;
  NoJira jira_;
  RecordingImporter importer_;
  int runs_ = 0;
};

TEST_F(InsightJob, HandsTheImporterTheFilesManifestJsonDescribesInImportOrder) {
  const auto outcome = run();

  ASSERT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
  ASSERT_EQ(importer_.sets.size(), 1u);
  const auto& set = importer_.sets[0];
  ASSERT_EQ(set.files.size(), 4u);
  EXPECT_EQ(set.files[0].name, "assets.csv");
  EXPECT_EQ(set.files[3].name, "vm.csv");
  const auto vm = read_file(config_.output.dir / "vm.csv");
  EXPECT_EQ(set.find("vm.csv")->sha256, sha256_hex(vm));
  EXPECT_EQ(set.find("vm.csv")->rows, 1u);
  EXPECT_EQ(set.find("vm.csv")->bytes, vm.size());
  EXPECT_EQ(set.find("vm.csv")->path, config_.output.dir / "vm.csv");
  EXPECT_EQ(set.id, insight::import_set_id(set.files));
  EXPECT_TRUE(outcome.result->files.empty());  // it publishes nothing
}

TEST_F(InsightJob, RecordsWhichSetItImportedAndWhatAssetsSaid) {
  run();

  const auto saved = record();
  ASSERT_TRUE(saved.last_success);
  EXPECT_EQ(saved.last_success->set_id, importer_.sets[0].id);
  EXPECT_EQ(saved.last_success->target, "datacenter https://jira.example.com");
  EXPECT_EQ(saved.last_success->run_id, "insight-run-1");
  EXPECT_EQ(saved.last_success->result, state::RunResult::succeeded);
  ASSERT_EQ(saved.last_success->counts.size(), 1u);
  EXPECT_EQ(saved.last_success->counts[0].what, "Host");
  EXPECT_EQ(saved.last_success->counts[0].created, 2);
  EXPECT_EQ(saved.last_success->files.size(), 4u);
  EXPECT_EQ(saved.last_attempt->run_id, "insight-run-1");
}

TEST_F(InsightJob, SkipsASetItHasImportedAlready) {
  run();
  const auto again = run();

  EXPECT_EQ(again.status, RunStatus::succeeded) << again.error;
  EXPECT_EQ(importer_.sets.size(), 1u);
  EXPECT_TRUE(again.result->summary.starts_with("nothing new: set ")) << again.result->summary;
  EXPECT_EQ(record().last_success->run_id, "insight-run-1");
}

TEST_F(InsightJob, ImportsTheSameSetAgainWhenForced) {
  run();
  const auto forced = run(true);

  EXPECT_EQ(forced.status, RunStatus::succeeded) << forced.error;
  ASSERT_EQ(importer_.sets.size(), 2u);
  EXPECT_EQ(importer_.sets[1].id, importer_.sets[0].id);
  EXPECT_EQ(record().last_success->run_id, "insight-run-2");
}

TEST_F(InsightJob, ImportsANewPublication) {
  run();
  publish({{"vm.csv", "\"Host ID\",\"QG HostID\",\"QID\"\n\"8\",\"\",\"100\"\n"}});
  run();

  ASSERT_EQ(importer_.sets.size(), 2u);
  EXPECT_NE(importer_.sets[1].id, importer_.sets[0].id);
}

TEST_F(InsightJob, ImportsTheSameSetAgainIntoAnotherJira) {
  run();
  config_.insight.url = "https://other-jira.example.com";
  run();

  EXPECT_EQ(importer_.sets.size(), 2u);
}

TEST_F(InsightJob, StartsOverWithTheNewFilesWhenOneIsPublishedDuringTheImport) {
  importer_.during = [&](int call) {
    if (call == 1) publish({{"vm.csv", "\"Host ID\",\"QG HostID\",\"QID\"\n\"9\",\"\",\"1\"\n"}});
  };
  const auto outcome = run();

  EXPECT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
  ASSERT_EQ(importer_.sets.size(), 2u);
  EXPECT_EQ(importer_.sets[1].find("vm.csv")->sha256,
            sha256_hex(read_file(config_.output.dir / "vm.csv")));
  EXPECT_EQ(record().last_success->set_id, importer_.sets[1].id);
}

TEST_F(InsightJob, FailsCleanlyWhenPublicationsKeepComingDuringTheImport) {
  importer_.during = [&](int call) {
    publish({{"vm.csv",
              "\"Host ID\",\"QG HostID\",\"QID\"\n\"" + std::to_string(call) + "\",\"\",\"1\"\n"}});
  };
  const auto outcome = run();

  EXPECT_EQ(outcome.status, RunStatus::failed);
  EXPECT_NE(outcome.error.find("vm.csv changed while it was imported"), std::string::npos)
      << outcome.error;
  EXPECT_EQ(importer_.sets.size(), 2u);
  const auto saved = record();
  EXPECT_FALSE(saved.last_success);
  ASSERT_TRUE(saved.last_attempt);
  EXPECT_EQ(saved.last_attempt->result, state::RunResult::failed);
}

TEST_F(InsightJob, ImportsNothingWhenTheFilesAreNotTheOnesManifestJsonDescribes) {
  // A publication renamed its file but has not written manifest.json yet.
  std::ofstream(config_.output.dir / "cve.csv", std::ios::binary) << "\"QID_CVE\",\"CVE_ID\"\n1\n";
  const auto outcome = run();

  EXPECT_EQ(outcome.status, RunStatus::failed);
  EXPECT_NE(outcome.error.find("cve.csv on disk is not the file manifest.json describes"),
            std::string::npos)
      << outcome.error;
  EXPECT_TRUE(importer_.sets.empty());
}

TEST_F(InsightJob, RecordsAFailedImportAndLeavesTheFilesUntouched) {
  const auto before = read_file(config_.output.dir / "vm.csv");
  const auto manifest_before = read_file(config_.output.dir / "manifest.json");
  importer_.during = [](int) { throw FatalError("import source 14 (vm.csv): FAILED"); };
  const auto outcome = run();

  EXPECT_EQ(outcome.status, RunStatus::failed);
  EXPECT_EQ(outcome.error, "import source 14 (vm.csv): FAILED");
  EXPECT_EQ(read_file(config_.output.dir / "vm.csv"), before);
  EXPECT_EQ(read_file(config_.output.dir / "manifest.json"), manifest_before);
  const auto saved = record();
  EXPECT_FALSE(saved.last_success);
  ASSERT_TRUE(saved.last_attempt);
  EXPECT_EQ(saved.last_attempt->result, state::RunResult::failed);
  EXPECT_EQ(saved.last_attempt->error, "import source 14 (vm.csv): FAILED");
  EXPECT_EQ(saved.last_attempt->set_id, importer_.sets[0].id);
}

TEST_F(InsightJob, RecordsAnImportCutOffByItsTimeoutAsCancelled) {
  config_.insight.timeout = std::chrono::milliseconds(50);
  importer_.hangs = true;
  const auto outcome = run();

  EXPECT_EQ(outcome.status, RunStatus::timed_out);
  const auto saved = record();
  ASSERT_TRUE(saved.last_attempt);
  EXPECT_EQ(saved.last_attempt->result, state::RunResult::cancelled);
  EXPECT_FALSE(saved.last_success);
}

TEST_F(InsightJob, RetriesASetWhoseImportFailed) {
  importer_.during = [](int call) {
    if (call == 1) throw FatalError("Assets said no");
  };
  run();
  const auto second = run();

  EXPECT_EQ(second.status, RunStatus::succeeded) << second.error;
  EXPECT_EQ(importer_.sets.size(), 2u);
}

TEST_F(InsightJob, TrustsTheManifestsDigestOfAFileWhoseInodeAndTimesAreTheRecordedOnes) {
  // The entry's identity is the file's: its SHA-256 is taken as recorded, the file not read (an
  // 8 GB vm.csv is not hashed twice per import).
  auto manifest = output::read_manifest(config_.output.dir);
  manifest.files["vm.csv"].sha256 = std::string(64, 'a');
  output::write_manifest(config_.output.dir, manifest);
  run();

  ASSERT_EQ(importer_.sets.size(), 1u);
  EXPECT_EQ(importer_.sets[0].find("vm.csv")->sha256, std::string(64, 'a'));
}

TEST_F(InsightJob, FailsWithoutAnyPublishedFile) {
  std::filesystem::remove(config_.output.dir / "manifest.json");
  const auto outcome = run();

  EXPECT_EQ(outcome.status, RunStatus::failed);
  EXPECT_TRUE(outcome.error.starts_with("nothing to import: manifest.json in ")) << outcome.error;
}

TEST(ImportSetId, IsEqualForEqualSetsAndDiffersWhenADigestDoes) {
  std::vector<insight::ImportFile> a = {{"assets.csv", "/x/assets.csv", "11", 1, 2},
                                        {"vm.csv", "/x/vm.csv", "22", 3, 4}};
  auto b = a;
  b[0].path = "/elsewhere/assets.csv";
  EXPECT_EQ(insight::import_set_id(a), insight::import_set_id(b));
  b[1].sha256 = "23";
  EXPECT_NE(insight::import_set_id(a), insight::import_set_id(b));
}

}  // namespace
}  // namespace qi::jobs
