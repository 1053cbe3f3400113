// The gates before publication (shrink guard), the manifest after it, and the cross-file
// reference checks.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "jobs/publish_step.hpp"
#include "output/manifest.hpp"
#include "qualys_sim/expected_csv.hpp"
#include "simulated_qualys.hpp"
#include "support/sha256_hex.hpp"
#include "support/small_subscription.hpp"
#include "support/small_tmpfs.hpp"

namespace qi::testing {
namespace {

using jobs::JobKind;
using jobs::RunStatus;

sim::SimulatorOptions subscription(std::int64_t hosts) {
  return small_subscription_options({.seed = 11, .hosts = hosts});
}

config::Credentials credentials_of(const SimulatedQualys& simulated) {
  return {simulated.options().username, simulated.options().password, ""};
}

TEST(ShrinkGuard, RefusesToPublishAFileThatShrankBelowMinRatio) {
  TempDir dir;
  std::string before;
  {
    SimulatedQualys big(subscription(40));
    auto config = test_config(big, dir.path());
    ASSERT_EQ(run_one_job(JobKind::vm, config, credentials_of(big)).status, RunStatus::succeeded);
    before = read_file(config.output.dir / "vm.csv");
  }
  SimulatedQualys small(subscription(4));
  auto config = test_config(small, dir.path());
  auto outcome = run_one_job(JobKind::vm, config, credentials_of(small));
  EXPECT_EQ(outcome.status, RunStatus::failed);
  EXPECT_NE(outcome.error.find("would shrink"), std::string::npos) << outcome.error;
  EXPECT_NE(outcome.error.find("run --force vm"), std::string::npos) << outcome.error;
  EXPECT_EQ(read_file(config.output.dir / "vm.csv"), before);
}

TEST(ShrinkGuard, PublishesTheSmallerFileWhenForcedOrTurnedOff) {
  TempDir dir;
  {
    SimulatedQualys big(subscription(40));
    auto config = test_config(big, dir.path());
    ASSERT_EQ(run_one_job(JobKind::vm, config, credentials_of(big)).status, RunStatus::succeeded);
  }
  SimulatedQualys small(subscription(4));
  auto config = test_config(small, dir.path());
  config.jobs.vm.min_ratio = 0;
  auto outcome = run_one_job(JobKind::vm, config, credentials_of(small));
  EXPECT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
  TempDir expected;
  sim::write_expected_csv(small.options().data, expected.path());
  EXPECT_EQ(read_file(config.output.dir / "vm.csv"), read_file(expected.path() / "vm.csv"));
}

TEST(Manifest, DescribesEveryPublishedFileWithRowsBytesAndSha256) {
  SimulatedQualys simulated(subscription(12));
  TempDir dir;
  auto config = test_config(simulated, dir.path());
  for (auto kind : jobs::kPullJobs) {
    ASSERT_EQ(run_one_job(kind, config, credentials_of(simulated)).status, RunStatus::succeeded);
  }
  auto manifest = output::read_manifest(config.output.dir);
  ASSERT_EQ(manifest.files.size(), 4u);
  for (const auto& [name, file] : manifest.files) {
    const auto data = read_file(config.output.dir / name);
    EXPECT_EQ(file.bytes, data.size()) << name;
    EXPECT_EQ(file.sha256, sha256_hex(data)) << name;
    EXPECT_EQ(file.rows, static_cast<std::uint64_t>(std::count(data.begin(), data.end(), '\n') - 1))
        << name;
    EXPECT_EQ(file.run_id, "test-run");
    EXPECT_FALSE(file.published_at.empty());
  }
  EXPECT_EQ(manifest.files["vulnkb.csv"].job, "kb");
  rapidjson::Document doc;
  doc.Parse(read_file(config.output.dir / "manifest.json").c_str());
  EXPECT_FALSE(doc.HasParseError());
}

TEST(ReferenceChecks, CountDetectionsWhoseQidOrHostIsUnknown) {
  SimulatedQualys simulated(subscription(12));
  TempDir dir;
  auto config = test_config(simulated, dir.path());
  for (auto kind : {JobKind::assets, JobKind::kb, JobKind::vm}) {
    ASSERT_EQ(run_one_job(kind, config, credentials_of(simulated)).status, RunStatus::succeeded);
  }
  // Computed independently from the published files.
  std::set<std::string> qids, hosts, missing_qids, missing_hosts;
  {
    std::istringstream kb(read_file(config.output.dir / "vulnkb.csv"));
    std::string line;
    std::getline(kb, line);
    while (std::getline(kb, line)) qids.insert(line.substr(1, line.find('"', 1) - 1));
    std::istringstream ids(read_file(config.state.dir / "asset-host-ids"));
    while (std::getline(ids, line)) hosts.insert(line);
    std::istringstream vm(read_file(config.output.dir / "vm.csv"));
    std::getline(vm, line);
    while (std::getline(vm, line)) {
      const auto host = line.substr(1, line.find('"', 1) - 1);
      const auto qid = line.substr(line.rfind(",\"") + 2, line.size() - line.rfind(",\"") - 3);
      if (!qids.contains(qid)) missing_qids.insert(qid);
      if (!hosts.contains(host)) missing_hosts.insert(host);
    }
  }
  ASSERT_FALSE(missing_qids.empty()) << "the simulator always has detections of unknown QIDs";
  auto checks = jobs::check_references(config.output.dir, config.state.dir);
  EXPECT_EQ(checks["vm_qids_missing_from_vulnkb"].count, missing_qids.size());
  EXPECT_EQ(checks["vm_hosts_missing_from_assets"].count, missing_hosts.size());
  EXPECT_LE(checks["vm_qids_missing_from_vulnkb"].first.size(), 5u);
  EXPECT_TRUE(missing_qids.contains(checks["vm_qids_missing_from_vulnkb"].first.at(0)));
  auto manifest = output::read_manifest(config.output.dir);
  EXPECT_EQ(manifest.references["vm_qids_missing_from_vulnkb"].count, missing_qids.size());
}

// The publish step takes the IDs from taps on the writers of the files its run wrote (vm.csv in
// a vm run, vulnkb.csv in a kb run) and reads only the others: the same checks either way.
TEST(ReferenceChecks, FromTheWritersAreThoseOfTheFilesReadBack) {
  SimulatedQualys simulated(subscription(12));
  TempDir dir;
  auto config = test_config(simulated, dir.path());
  for (auto kind : {JobKind::assets, JobKind::vm, JobKind::kb, JobKind::vm}) {
    const auto outcome = run_one_job(kind, config, credentials_of(simulated));
    ASSERT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
    const auto read_back = jobs::check_references(config.output.dir, config.state.dir);
    auto reported = outcome.result->references;
    reported.erase("kb_windows_now_empty");
    EXPECT_EQ(reported, read_back) << jobs::job_name(kind);
    EXPECT_EQ(output::read_manifest(config.output.dir).references, read_back);
  }
  const auto manifest = output::read_manifest(config.output.dir);
  EXPECT_FALSE(manifest.references.at("vm_qids_missing_from_vulnkb").first.empty());
  EXPECT_TRUE(manifest.references.contains("vm_hosts_missing_from_assets"));
}

}  // namespace
}  // namespace qi::testing

namespace qi::testing {
namespace {

TEST(KbWindows, ReportsAWindowThatComesBackEmptyAfterHoldingQids) {
  TempDir dir;
  {
    SimulatedQualys simulated(subscription(4));  // 40 QIDs: both data windows hold some
    auto config = test_config(simulated, dir.path());
    auto first = run_one_job(JobKind::kb, config, credentials_of(simulated));
    ASSERT_EQ(first.status, RunStatus::succeeded) << first.error;
    EXPECT_FALSE(first.result->references.contains("kb_windows_now_empty"));
  }
  auto fewer = subscription(4);
  fewer.data.qids = 10;  // QIDs 10000..10070: the window 10101-20200 is empty now
  SimulatedQualys simulated(fewer);
  auto config = test_config(simulated, dir.path());
  config.jobs.kb.min_ratio = 0;
  LogCapture logs;
  auto second = run_one_job(JobKind::kb, config, credentials_of(simulated));
  ASSERT_EQ(second.status, RunStatus::succeeded) << second.error;
  const auto& check = second.result->references.at("kb_windows_now_empty");
  EXPECT_EQ(check.count, 1u);
  EXPECT_EQ(check.first.at(0), "10101-20200");
  EXPECT_NE(logs.text().find("window 10101-20200 returned no QIDs"), std::string::npos);
}

}  // namespace
}  // namespace qi::testing

namespace qi::testing {
namespace {

// The output directory on a tmpfs too small for the new files: the run fails with a clear error,
// leaves no temp file, and the previous files stay. Needs root (mount); skipped otherwise.
TEST(DiskFull, FailsTheRunAndKeepsThePreviousFiles) {
  TempDir dir;
  const SmallTmpfs fs(dir.path() / "small", "8k");
  if (!fs.mounted()) GTEST_SKIP() << "needs root to mount a small tmpfs";
  const auto& small = fs.path();
  SimulatedQualys simulated(subscription(300));  // vm.csv of ~20 KB against 8 KB of space
  auto config = test_config(simulated, dir.path());
  config.output.dir = small;
  std::ofstream(small / "vm.csv") << "\"previous\"\n";
  auto outcome = run_one_job(JobKind::vm, config, credentials_of(simulated));
  EXPECT_EQ(outcome.status, RunStatus::failed);
  EXPECT_NE(outcome.error.find("No space left on device"), std::string::npos) << outcome.error;
  EXPECT_EQ(read_file(small / "vm.csv"), "\"previous\"\n");
  for (const auto& entry : std::filesystem::directory_iterator(small)) {
    EXPECT_EQ(entry.path().filename(), "vm.csv") << "left behind: " << entry.path();
  }
}

}  // namespace
}  // namespace qi::testing
