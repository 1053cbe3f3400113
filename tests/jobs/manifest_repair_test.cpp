// manifest.json after a run was killed between renaming its files into place and rewriting the
// manifest: every start makes it true again from the files on disk, reading only the files whose
// recorded identity (inode, size, mtime, ctime) no longer matches.
#include "jobs/manifest_repair.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "jobs/publish_step.hpp"
#include "output/manifest.hpp"
#include "simulated_qualys.hpp"
#include "support/sha256_hex.hpp"

namespace qi::testing {
namespace {

using jobs::JobKind;
using jobs::RunStatus;

sim::SimulatorOptions subscription() {
  sim::SimulatorOptions options;
  options.data.seed = 8;
  options.data.assets = 20;
  options.data.qids = 30;
  options.data.hosts = 12;
  options.data.detections_per_host = 3;
  return options;
}

std::uint64_t rows_of(const std::string& data) {
  return static_cast<std::uint64_t>(std::count(data.begin(), data.end(), '\n') - 1);
}

class ManifestRepair : public ::testing::Test {
 protected:
  SimulatedQualys simulated{subscription()};
  TempDir dir;
  config::Config config = test_config(simulated, dir.path());
  config::Credentials credentials{simulated.options().username, simulated.options().password, ""};

  void run(JobKind kind) {
    auto outcome = run_one_job(kind, config, credentials);
    ASSERT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
  }
  std::filesystem::path manifest_path() const { return config.output.dir / "manifest.json"; }

  // Every entry describes its file on disk exactly.
  void expect_true_to_the_files() {
    const auto manifest = output::read_manifest(config.output.dir);
    for (const auto name : {"assets.csv", "vulnkb.csv", "cve.csv", "vm.csv"}) {
      const auto path = config.output.dir / name;
      if (!std::filesystem::exists(path)) {
        EXPECT_FALSE(manifest.files.contains(name)) << name;
        continue;
      }
      ASSERT_TRUE(manifest.files.contains(name)) << name;
      const auto& entry = manifest.files.at(name);
      const auto data = read_file(path);
      EXPECT_EQ(entry.sha256, sha256_hex(data)) << name;
      EXPECT_EQ(entry.rows, rows_of(data)) << name;
      EXPECT_EQ(entry.bytes, data.size()) << name;
      EXPECT_EQ(entry.identity, output::identity_of(path)) << name;
    }
  }
};

TEST_F(ManifestRepair, RebuildsTheEntryOfAFileAKilledRunReplacedBeforeRecordingIt) {
  run(JobKind::kb);
  run(JobKind::vm);
  const auto before = read_file(manifest_path());
  simulated.simulator().mutate();
  run(JobKind::vm);
  // What a kill between the rename and the manifest's rewrite leaves: the new vm.csv, the old
  // manifest. Another job's rewrite (kb) carries the stale entry on.
  std::ofstream(manifest_path(), std::ios::trunc) << before;
  run(JobKind::kb);
  const auto vm = read_file(config.output.dir / "vm.csv");
  ASSERT_NE(output::read_manifest(config.output.dir).files["vm.csv"].sha256, sha256_hex(vm));

  LogCapture logs;
  EXPECT_EQ(jobs::repair_manifest(config), std::vector<std::string>{"vm.csv"});
  expect_true_to_the_files();
  auto manifest = output::read_manifest(config.output.dir);
  EXPECT_EQ(manifest.files["vm.csv"].job, "vm");
  EXPECT_EQ(manifest.files["vm.csv"].run_id, "");  // the run that published it is not known
  EXPECT_EQ(manifest.files["vulnkb.csv"].run_id, "test-run");
  EXPECT_NE(logs.text().find("manifest.json: vm.csv on disk"), std::string::npos) << logs.text();
  EXPECT_NE(logs.text().find("Entry rebuilt from the file"), std::string::npos);
  // The reference checks describe the files on disk too.
  EXPECT_EQ(manifest.references["vm_qids_missing_from_vulnkb"].count,
            jobs::check_references(config.output.dir, config.state.dir)
                .at("vm_qids_missing_from_vulnkb")
                .count);
}

TEST_F(ManifestRepair, TrustsAnEntryWhoseFileIdentityStillMatchesWithoutReadingTheFile) {
  run(JobKind::vm);
  // A digest that reading the file would contradict: it stays, so the file was not read.
  auto text = read_file(manifest_path());
  const auto sha = output::read_manifest(config.output.dir).files["vm.csv"].sha256;
  text.replace(text.find(sha), sha.size(), std::string(64, '0'));
  std::ofstream(manifest_path(), std::ios::trunc) << text;
  EXPECT_TRUE(jobs::repair_manifest(config).empty());
  EXPECT_EQ(read_file(manifest_path()), text);
}

TEST_F(ManifestRepair, RecordsTheIdentityOfAnEntryWithoutOneAndKeepsItsRun) {
  run(JobKind::vm);
  auto manifest = output::read_manifest(config.output.dir);
  manifest.files["vm.csv"].identity = {};  // as an older version wrote it
  output::write_manifest(config.output.dir, manifest);
  EXPECT_TRUE(jobs::repair_manifest(config).empty());  // nothing was wrong
  expect_true_to_the_files();
  EXPECT_EQ(output::read_manifest(config.output.dir).files["vm.csv"].run_id, "test-run");
}

TEST_F(ManifestRepair, RemovesEntriesOfMissingFilesAndAddsFilesWithoutOne) {
  run(JobKind::kb);
  run(JobKind::vm);
  std::filesystem::remove(config.output.dir / "cve.csv");
  auto manifest = output::read_manifest(config.output.dir);
  manifest.files.erase("vm.csv");
  output::write_manifest(config.output.dir, manifest);
  auto repaired = jobs::repair_manifest(config);
  std::sort(repaired.begin(), repaired.end());
  EXPECT_EQ(repaired, (std::vector<std::string>{"cve.csv", "vm.csv"}));
  expect_true_to_the_files();
}

TEST_F(ManifestRepair, LeavesAnOutputDirectoryWithoutAManifestAlone) {
  run(JobKind::vm);
  std::filesystem::remove(manifest_path());  // e.g. files put there by hand
  EXPECT_TRUE(jobs::repair_manifest(config).empty());
  EXPECT_FALSE(std::filesystem::exists(manifest_path()));
}

TEST_F(ManifestRepair, RecordsEachPublishedFilesIdentity) {
  run(JobKind::kb);
  const auto manifest = output::read_manifest(config.output.dir);
  for (const auto name : {"vulnkb.csv", "cve.csv"}) {
    const auto& identity = manifest.files.at(name).identity;
    EXPECT_TRUE(identity.known()) << name;
    EXPECT_EQ(identity, output::identity_of(config.output.dir / name)) << name;
  }
}

}  // namespace
}  // namespace qi::testing
