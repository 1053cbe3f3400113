// What a run reports when its files are published but a record in state.dir (or manifest.json)
// cannot be written after them, e.g. a full state.dir: "published, state not saved", never
// "failed"; no half-written base directory stays; and the modes of what it creates in state.dir.
// The failures are real ones, made by putting a directory where the write must put a file (a
// rename onto a directory fails whoever we run as).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "jobs/incremental_base.hpp"
#include "output/manifest.hpp"
#include "qualys_sim/expected_csv.hpp"
#include "simulated_qualys.hpp"
#include "state/job_lock.hpp"
#include "support/sha256_hex.hpp"
#include "support/small_tmpfs.hpp"
#include "support/umask_for_test.hpp"

namespace qi::testing {
namespace {

using jobs::JobKind;
using jobs::RunStatus;
using namespace std::chrono_literals;

sim::SimulatorOptions subscription() {
  sim::SimulatorOptions options;
  options.data.seed = 14;
  options.data.assets = 20;
  options.data.qids = 30;
  options.data.hosts = 10;
  options.data.detections_per_host = 3;
  return options;
}

// A directory (with something in it) where a file should go: writing that file then fails.
void block_with_directory(const std::filesystem::path& path) {
  std::filesystem::create_directories(path / "in-the-way");
}

std::vector<std::string> base_directories(const std::filesystem::path& base, std::string_view job) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(base, ec)) {
    const auto name = entry.path().filename().string();
    if (entry.is_directory() && name.starts_with(std::string(job) + "-")) names.push_back(name);
  }
  return names;
}

class StateNotSaved : public ::testing::Test {
 protected:
  SimulatedQualys simulated{subscription()};
  TempDir dir;
  config::Config config = [this] {
    auto c = test_config(simulated, dir.path());
    c.jobs.kb.full_refresh = 24h * 7;
    c.jobs.vm.full_refresh = 24h * 7;
    c.jobs.assets.full_refresh = 24h * 7;
    return c;
  }();
  config::Credentials credentials{simulated.options().username, simulated.options().password, ""};

  std::string expected(std::string_view file) {
    TempDir oracle;
    sim::write_expected_csv(simulated.simulator().data(), oracle.path());
    return read_file(oracle.path() / file);
  }

  // The published file is the current data and manifest.json names it and this run.
  void expect_published(std::string_view file) {
    const auto data = read_file(config.output.dir / file);
    EXPECT_EQ(data, expected(file));
    auto manifest = output::read_manifest(config.output.dir);
    const auto& entry = manifest.files[std::string(file)];
    EXPECT_EQ(entry.sha256, sha256_hex(data)) << file;
    EXPECT_EQ(entry.run_id, "test-run") << file;
  }
};

TEST_F(StateNotSaved, KbWindowRowsThatCannotBeWrittenLeaveTheRunPublishedNotFailed) {
  block_with_directory(config.state.dir / "kb-window-rows");
  auto outcome = run_one_job(JobKind::kb, config, credentials);
  EXPECT_EQ(outcome.status, RunStatus::published_state_not_saved) << outcome.error;
  EXPECT_EQ(jobs::run_status_name(outcome.status), "published, state not saved");
  EXPECT_NE(outcome.error.find("kb-window-rows not saved: cannot replace"), std::string::npos)
      << outcome.error;
  ASSERT_TRUE(outcome.result);
  expect_published("vulnkb.csv");
  expect_published("cve.csv");
}

TEST_F(StateNotSaved, AssetHostIdsThatCannotBeWrittenLeaveTheRunPublishedNotFailed) {
  block_with_directory(config.state.dir / "asset-host-ids");
  auto outcome = run_one_job(JobKind::assets, config, credentials);
  EXPECT_EQ(outcome.status, RunStatus::published_state_not_saved) << outcome.error;
  EXPECT_NE(outcome.error.find("asset-host-ids not saved"), std::string::npos) << outcome.error;
  expect_published("assets.csv");
}

TEST_F(StateNotSaved, ABaseThatCannotBeSavedLeavesNoDirectoryBehindAndTheNextRunIsFull) {
  // The copy is written whole, then the meta file cannot replace the directory in its way.
  block_with_directory(config.state.dir / "base" / "vm.meta");
  auto outcome = run_one_job(JobKind::vm, config, credentials);
  EXPECT_EQ(outcome.status, RunStatus::published_state_not_saved) << outcome.error;
  EXPECT_NE(outcome.error.find("the incremental base not saved: could not keep this publication"),
            std::string::npos)
      << outcome.error;
  expect_published("vm.csv");
  EXPECT_TRUE(base_directories(config.state.dir / "base", "vm").empty());
  std::filesystem::remove_all(config.state.dir / "base" / "vm.meta");
  auto next = run_one_job(JobKind::vm, config, credentials);
  ASSERT_EQ(next.status, RunStatus::succeeded) << next.error;
  EXPECT_NE(next.result->summary.find("full pull"), std::string::npos) << next.result->summary;
}

TEST_F(StateNotSaved, AManifestThatCannotBeWrittenAfterPublishingIsReportedNotAFailedRun) {
  block_with_directory(config.output.dir / "manifest.json");
  auto outcome = run_one_job(JobKind::vm, config, credentials);
  EXPECT_EQ(outcome.status, RunStatus::published_state_not_saved) << outcome.error;
  EXPECT_NE(outcome.error.find("manifest.json not saved"), std::string::npos) << outcome.error;
  EXPECT_EQ(read_file(config.output.dir / "vm.csv"), expected("vm.csv"));
}

// The case as operators meet it: state.dir on a file system with no room left (a 4 KiB tmpfs:
// the empty lock file fits, the kb window rows and the base copy do not). Needs root (mount).
TEST_F(StateNotSaved, AFullStateFileSystemLeavesTheRunPublishedAndNoPartialBase) {
  const SmallTmpfs small(dir.path() / "small-state", "4k");
  if (!small.mounted()) GTEST_SKIP() << "needs root to mount a small tmpfs";
  config.state.dir = small.path();
  auto outcome = run_one_job(JobKind::kb, config, credentials);
  EXPECT_EQ(outcome.status, RunStatus::published_state_not_saved) << outcome.error;
  EXPECT_NE(outcome.error.find("No space left on device"), std::string::npos) << outcome.error;
  expect_published("vulnkb.csv");
  expect_published("cve.csv");
  EXPECT_TRUE(base_directories(small.path() / "base", "kb").empty());
}

TEST_F(StateNotSaved, TheStartSweepRemovesBaseDirectoriesNoMetaNamesOfJobsNotRunning) {
  ASSERT_EQ(run_one_job(JobKind::kb, config, credentials).status, RunStatus::succeeded);
  ASSERT_EQ(run_one_job(JobKind::vm, config, credentials).status, RunStatus::succeeded);
  const auto base = config.state.dir / "base";
  const auto kb_named = base_directories(base, "kb");
  ASSERT_EQ(kb_named.size(), 1u);
  std::filesystem::create_directories(base / "kb-killed-run");
  std::ofstream(base / "kb-killed-run" / "vulnkb.csv") << "\"QID_KB\",\"Vuln";  // half a copy
  std::filesystem::create_directories(base / "vm-being-written");
  // A run of vm holds its lock (in another process, as far as flock is concerned).
  auto vm_running = state::JobLock::try_acquire(config.state.dir, "vm", "run");
  ASSERT_TRUE(vm_running);
  EXPECT_EQ(jobs::sweep_unnamed_bases(config), 1u);
  EXPECT_EQ(base_directories(base, "kb"), kb_named);
  EXPECT_TRUE(std::filesystem::exists(base / "vm-being-written"));
}

TEST(StateModes, EverythingAJobCreatesInStateDirIs0750Or0600UnderUmask000) {
  SimulatedQualys simulated(subscription());
  TempDir dir;
  auto config = test_config(simulated, dir.path());
  config.state.dir = dir.path() / "new-state";  // created by the run
  config.jobs.assets.full_refresh = 24h;
  config.jobs.kb.full_refresh = 24h;
  const config::Credentials credentials{simulated.options().username, simulated.options().password,
                                        ""};
  {
    UmaskForTest umask(0);
    for (auto kind : {JobKind::assets, JobKind::kb}) {
      ASSERT_EQ(run_one_job(kind, config, credentials).status, RunStatus::succeeded);
    }
  }
  std::vector<std::filesystem::path> seen = {config.state.dir};
  for (const auto& entry : std::filesystem::recursive_directory_iterator(config.state.dir)) {
    seen.push_back(entry.path());
  }
  EXPECT_GE(seen.size(), 8u);  // base/, two base directories and their files, records
  for (const auto& path : seen) {
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 07777, S_ISDIR(info.st_mode) ? 0750u : 0600u) << path;
  }
  // The published files keep their own contract: world-readable.
  struct stat published {};
  ASSERT_EQ(::stat((config.output.dir / "vulnkb.csv").c_str(), &published), 0);
  EXPECT_EQ(published.st_mode & 07777, 0644u);
  ASSERT_EQ(::stat((config.output.dir / "manifest.json").c_str(), &published), 0);
  EXPECT_EQ(published.st_mode & 07777, 0644u);
}

}  // namespace
}  // namespace qi::testing
