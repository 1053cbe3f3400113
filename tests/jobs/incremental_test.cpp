// Incremental pulls against the simulator: the data changes between runs (records changed, added
// and removed: simulator generations) and the incremental publication must equal a full pull of
// the new data byte for byte (deleted assets excepted: they leave at the next full pull).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "jobs/merge_by_key.hpp"
#include "qualys_sim/expected_csv.hpp"
#include "simulated_qualys.hpp"

namespace qi::testing {
namespace {

using jobs::JobKind;
using jobs::RunStatus;
using namespace std::chrono_literals;

sim::SimulatorOptions churning_subscription() {
  sim::SimulatorOptions options;
  options.data.seed = 2026;
  options.data.assets = 120;
  options.data.qids = 150;
  options.data.hosts = 60;
  options.data.detections_per_host = 4;
  return options;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line + "\n");
  return lines;
}

class Incremental : public ::testing::Test {
 protected:
  SimulatedQualys simulated{churning_subscription()};
  TempDir dir;
  config::Config config = [this] {
    auto c = test_config(simulated, dir.path());
    for (auto* job : {static_cast<config::JobSchedule*>(&c.jobs.assets),
                      static_cast<config::JobSchedule*>(&c.jobs.kb),
                      static_cast<config::JobSchedule*>(&c.jobs.vm)}) {
      job->full_refresh = 24h * 7;
    }
    return c;
  }();
  config::Credentials credentials{simulated.options().username, simulated.options().password, ""};

  jobs::RunOutcome run(JobKind kind, bool full = false) {
    auto outcome = run_one_job(kind, config, credentials, full);
    EXPECT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
    return outcome;
  }

  // The oracle of the simulator's current generation.
  std::string expected(std::string_view file) {
    TempDir oracle;
    sim::write_expected_csv(simulated.simulator().data(), oracle.path());
    return read_file(oracle.path() / file);
  }

  std::string published(std::string_view file) { return read_file(config.output.dir / file); }

  std::vector<sim::RecordedRequest> requests_to(std::string_view endpoint, std::size_t from) {
    std::vector<sim::RecordedRequest> out;
    const auto all = simulated.simulator().requests();
    for (std::size_t i = from; i < all.size(); ++i) {
      if (all[i].endpoint == endpoint) out.push_back(all[i]);
    }
    return out;
  }
};

TEST_F(Incremental, KbAfterChangesEqualsAFullPullAndAsksOnlyForChanges) {
  auto first = run(JobKind::kb);
  EXPECT_NE(first.result->summary.find("full pull"), std::string::npos);
  const auto gen0 = published("vulnkb.csv");
  for (int generation = 1; generation <= 2; ++generation) {
    simulated.simulator().mutate();
    const auto before = simulated.simulator().requests().size();
    auto again = run(JobKind::kb);
    EXPECT_NE(again.result->summary.find("incremental"), std::string::npos)
        << again.result->summary;
    EXPECT_EQ(published("vulnkb.csv"), expected("vulnkb.csv")) << "generation " << generation;
    EXPECT_EQ(published("cve.csv"), expected("cve.csv")) << "generation " << generation;
    const auto kb_requests = requests_to("kb", before);
    ASSERT_EQ(kb_requests.size(), 1u);  // one open window, not the full set of windows
    EXPECT_NE(kb_requests[0].body.find("last_modified_after="), std::string::npos)
        << kb_requests[0].body;
  }
  EXPECT_NE(published("vulnkb.csv"), gen0);  // the data did change
}

TEST_F(Incremental, DetectionsAfterChangesAndPurgesEqualAFullPull) {
  run(JobKind::vm);
  const auto gen0 = published("vm.csv");
  for (int generation = 1; generation <= 2; ++generation) {
    simulated.simulator().mutate();
    const auto before = simulated.simulator().requests().size();
    auto again = run(JobKind::vm);
    EXPECT_NE(again.result->summary.find("incremental"), std::string::npos)
        << again.result->summary;
    EXPECT_EQ(published("vm.csv"), expected("vm.csv")) << "generation " << generation;
    // The changed hosts' IDs, then every ID (for purges); detections only for changed hosts.
    const auto host_lists = requests_to("hostlist", before);
    ASSERT_EQ(host_lists.size(), 2u);
    EXPECT_NE(host_lists[0].body.find("vm_processed_after="), std::string::npos);
    for (const auto& request : requests_to("detection", before)) {
      EXPECT_TRUE(request.body.find("ids=") != std::string::npos ||
                  request.target.find("ids=") != std::string::npos)
          << request.target << " " << request.body;
    }
  }
  EXPECT_NE(published("vm.csv"), gen0);
}

TEST_F(Incremental, AssetsKeepDeletedAssetsUntilTheNextFullPull) {
  run(JobKind::assets);
  const auto old_rows = lines_of(published("assets.csv"));
  simulated.simulator().mutate();
  const auto before = simulated.simulator().requests().size();
  auto again = run(JobKind::assets);
  EXPECT_NE(again.result->summary.find("incremental"), std::string::npos) << again.result->summary;
  for (const auto& request : requests_to("search", before)) {
    EXPECT_NE(request.target.find("assetLastUpdated="), std::string::npos) << request.target;
  }

  // What a full pull gives, plus the rows of the assets deleted since (by ID order).
  const auto now_rows = lines_of(expected("assets.csv"));
  std::map<std::int64_t, std::vector<std::string>> by_id;
  std::set<std::int64_t> current_ids;
  for (std::size_t i = 1; i < now_rows.size(); ++i) {
    const auto id = *jobs::leading_id(now_rows[i]);
    current_ids.insert(id);
    by_id[id].push_back(now_rows[i]);
  }
  std::size_t deleted = 0;
  for (std::size_t i = 1; i < old_rows.size(); ++i) {
    const auto id = *jobs::leading_id(old_rows[i]);
    if (!current_ids.contains(id)) {
      by_id[id].push_back(old_rows[i]);
      ++deleted;
    }
  }
  ASSERT_GE(deleted, 1u);  // the simulator did delete assets
  std::string with_deleted = now_rows[0];
  for (const auto& [id, rows] : by_id) {
    for (const auto& row : rows) with_deleted += row;
  }
  EXPECT_EQ(published("assets.csv"), with_deleted);

  auto full = run(JobKind::assets, /*full=*/true);
  EXPECT_NE(full.result->summary.find("full pull"), std::string::npos);
  EXPECT_EQ(published("assets.csv"), expected("assets.csv"));
}

TEST_F(Incremental, AssetsOutsideTheCountCheckAfterMergingArePulledInFull) {
  config.jobs.assets.count_tolerance = 0;  // any deleted asset left in the merge is too many
  run(JobKind::assets);
  simulated.simulator().mutate();
  auto again = run(JobKind::assets);
  EXPECT_NE(again.result->summary.find("full pull"), std::string::npos) << again.result->summary;
  EXPECT_EQ(published("assets.csv"), expected("assets.csv"));
}

TEST_F(Incremental, ChangedOutputSettingsForceAFullPull) {
  run(JobKind::kb);
  config.jobs.kb.details = "All";
  auto again = run(JobKind::kb);
  EXPECT_NE(again.result->summary.find("full pull"), std::string::npos) << again.result->summary;
}

TEST_F(Incremental, TheFullRefreshIntervalBringsBackAFullPull) {
  run(JobKind::kb);
  EXPECT_NE(run(JobKind::kb).result->summary.find("incremental"), std::string::npos);
  config.jobs.kb.full_refresh = 1ms;  // the last full pull is now older than this
  EXPECT_NE(run(JobKind::kb).result->summary.find("full pull"), std::string::npos);
  config.jobs.kb.full_refresh = 0s;  // 0: every run is full
  EXPECT_NE(run(JobKind::kb).result->summary.find("full pull"), std::string::npos);
}

TEST_F(Incremental, ADamagedBaseFailsTheRunCleanlyAndTheNextRunIsFull) {
  run(JobKind::vm);
  const auto previous = published("vm.csv");
  // Damage the base copy: a row that is not ours.
  std::filesystem::path base_file;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(config.state.dir / "base")) {
    if (entry.path().filename() == "vm.csv") base_file = entry.path();
  }
  ASSERT_FALSE(base_file.empty());
  std::ofstream(base_file, std::ios::app) << "garbage without an ID\n";
  simulated.simulator().mutate();
  auto damaged = run_one_job(JobKind::vm, config, credentials);
  EXPECT_EQ(damaged.status, RunStatus::failed);
  EXPECT_NE(damaged.error.find("next run pulls everything"), std::string::npos) << damaged.error;
  EXPECT_EQ(published("vm.csv"), previous);  // nothing published
  auto next = run(JobKind::vm);
  EXPECT_NE(next.result->summary.find("full pull"), std::string::npos);
  EXPECT_EQ(published("vm.csv"), expected("vm.csv"));
}

TEST_F(Incremental, NothingChangedRepublishesTheSameBytes) {
  run(JobKind::vm);
  run(JobKind::kb);
  const auto vm = published("vm.csv");
  const auto kb = published("vulnkb.csv");
  EXPECT_NE(run(JobKind::vm).result->summary.find("incremental"), std::string::npos);
  EXPECT_NE(run(JobKind::kb).result->summary.find("incremental"), std::string::npos);
  EXPECT_EQ(published("vm.csv"), vm);
  EXPECT_EQ(published("vulnkb.csv"), kb);
}

}  // namespace
}  // namespace qi::testing
