// Concurrent asset-ID windows of the assets job: the split search on synthetic ID sets (no
// network), then whole pulls against the simulator, windowed and single-cursor.
#include "jobs/asset_windows.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <future>
#include <iostream>
#include <limits>
#include <list>
#include <random>
#include <thread>

#include "qualys_sim/data_spec.hpp"
#include "qualys_sim/expected_csv.hpp"
#include "simulated_qualys.hpp"

namespace qi::testing {
namespace {

using jobs::AssetIdSplitter;
using jobs::AssetWindow;
using jobs::JobKind;
using jobs::RunStatus;
using namespace std::chrono_literals;

// ---- the window rule and the split search ----

TEST(AssetWindowCount, IsOneCursorWhenOffOrWithOneWorkerOrFewPages) {
  EXPECT_EQ(jobs::asset_window_count(1'000'000, 0, 300, 4), 1u);       // assets_per_window 0
  EXPECT_EQ(jobs::asset_window_count(1'000'000, 50'000, 300, 1), 1u);  // one worker
  EXPECT_EQ(jobs::asset_window_count(50'000, 50'000, 300, 4), 1u);     // fits one window
  EXPECT_EQ(jobs::asset_window_count(2'000, 100, 300, 4), 1u);         // not 4 pages each
  EXPECT_EQ(jobs::asset_window_count(0, 100, 10, 4), 1u);
}

TEST(AssetWindowCount, IsAFewWindowsPerWorkerForAMillionAssets) {
  EXPECT_EQ(jobs::asset_window_count(1'000'000, 50'000, 300, 2), 8u);   // 4 per worker
  EXPECT_EQ(jobs::asset_window_count(1'000'000, 50'000, 300, 8), 20u);  // 1M / 50,000
  EXPECT_EQ(jobs::asset_window_count(10'000'000, 50'000, 300, 10), jobs::kMaxAssetWindows);
  EXPECT_EQ(jobs::asset_window_count(2'400, 100, 300, 4), 2u);  // 4 pages each at most
}

// count?lastSeenAssetId=X over a sorted ID list.
std::int64_t count_after(const std::vector<std::int64_t>& ids, std::int64_t last_seen) {
  return ids.end() - std::upper_bound(ids.begin(), ids.end(), last_seen);
}

struct Split {
  std::vector<AssetWindow> windows;
  int count_calls = 0;
};

Split split(const std::vector<std::int64_t>& ids, std::size_t windows, std::int64_t tolerance) {
  AssetIdSplitter splitter(static_cast<std::int64_t>(ids.size()), windows, tolerance,
                           jobs::asset_split_budget(windows));
  while (const auto probe = splitter.next_probe())
    splitter.record(*probe, count_after(ids, *probe));
  return {splitter.windows(), splitter.count_calls()};
}

std::int64_t assets_in(const std::vector<std::int64_t>& ids, const AssetWindow& window) {
  const auto above = count_after(ids, window.after.value_or(0));
  return window.last ? above - count_after(ids, *window.last) : above;
}

// The windows partition (0, ∞): each starts where the previous ended, the last is unbounded.
void expect_partition(const std::vector<AssetWindow>& windows) {
  ASSERT_FALSE(windows.empty());
  EXPECT_FALSE(windows.front().after);
  EXPECT_FALSE(windows.back().last);
  for (std::size_t i = 1; i < windows.size(); ++i) {
    ASSERT_TRUE(windows[i - 1].last);
    ASSERT_TRUE(windows[i].after);
    EXPECT_EQ(*windows[i].after, *windows[i - 1].last);
    if (windows[i].last) {
      EXPECT_LT(*windows[i].after, *windows[i].last);
    }
  }
}

struct IdShape {
  std::string name;
  std::vector<std::int64_t> ids;
};

std::vector<IdShape> id_shapes() {
  std::mt19937_64 random(42);
  std::vector<IdShape> shapes;
  // Like the ELA mock: dense around 67 million.
  IdShape dense{"dense", {}};
  for (std::int64_t i = 0; i < 1'000'000; ++i) dense.ids.push_back(67'000'000 + 10 * i + i % 7);
  shapes.push_back(std::move(dense));
  // Like the simulator: 90% near 67 million, the rest above 2^53.
  IdShape split_range{"split_range", {}};
  for (std::int64_t i = 0; i < 900'000; ++i) split_range.ids.push_back(67'000'000 + 10 * i);
  for (std::int64_t i = 0; i < 100'000; ++i) split_range.ids.push_back((1LL << 53) + 10 * i);
  shapes.push_back(std::move(split_range));
  // Uniform over the whole positive int64 range.
  IdShape uniform{"uniform", {}};
  std::uniform_int_distribution<std::int64_t> anywhere(1, std::numeric_limits<std::int64_t>::max());
  for (int i = 0; i < 300'000; ++i) uniform.ids.push_back(anywhere(random));
  shapes.push_back(std::move(uniform));
  // Three clusters of different density, far apart: cliffs in the counts, which interpolation
  // and bisection only close in on slowly, so the budget may run out first (see below).
  IdShape clusters{"clusters", {}};
  for (std::int64_t i = 0; i < 200'000; ++i) clusters.ids.push_back(1'000 + i);
  for (std::int64_t i = 0; i < 50'000; ++i) clusters.ids.push_back(5'000'000'000 + 1'000 * i);
  for (std::int64_t i = 0; i < 400'000; ++i) clusters.ids.push_back(9'000'000'000'000 + 3 * i);
  shapes.push_back(std::move(clusters));
  for (auto& shape : shapes) {
    std::sort(shape.ids.begin(), shape.ids.end());
    shape.ids.erase(std::unique(shape.ids.begin(), shape.ids.end()), shape.ids.end());
  }
  return shapes;
}

TEST(AssetIdSplitter, BalancesWindowsWithinTheToleranceAndTheCountCallBudget) {
  for (const auto& shape : id_shapes()) {
    for (const std::size_t windows : {2u, 8u, 20u, 32u}) {
      const auto total = static_cast<std::int64_t>(shape.ids.size());
      const std::int64_t share = total / static_cast<std::int64_t>(windows);
      const std::int64_t tolerance = std::max<std::int64_t>(300, share / 10);
      const auto result = split(shape.ids, windows, tolerance);
      SCOPED_TRACE(shape.name + " in " + std::to_string(windows) + " windows");
      expect_partition(result.windows);
      ASSERT_EQ(result.windows.size(), windows);
      EXPECT_LE(result.count_calls, jobs::asset_split_budget(windows));
      std::cout << shape.name << ", " << windows << " windows: " << result.count_calls
                << " count calls\n";
      if (shape.name == "clusters") continue;  // only bounded: uneven windows, same output
      // Each split within the tolerance of its target, so each window within twice of its share.
      for (const auto& window : result.windows) {
        EXPECT_NEAR(static_cast<double>(assets_in(shape.ids, window)), static_cast<double>(share),
                    static_cast<double>(2 * tolerance + 1))
            << window.text();
      }
    }
  }
}

TEST(AssetIdSplitter, MergesSplitsThatCoincideOnFewAssets) {
  const std::vector<std::int64_t> ids = {5, 6, 7};
  const auto result = split(ids, 8, 0);
  expect_partition(result.windows);
  EXPECT_LE(result.windows.size(), 4u);  // no window the counts say is empty
  std::int64_t covered = 0;
  for (const auto& window : result.windows) covered += assets_in(ids, window);
  EXPECT_EQ(covered, 3);
}

TEST(AssetIdSplitter, StopsAtTheBudgetAndStillCoversEveryId) {
  std::vector<std::int64_t> ids;
  for (std::int64_t i = 0; i < 100'000; ++i) ids.push_back(1'000 + 7 * i);
  AssetIdSplitter splitter(static_cast<std::int64_t>(ids.size()), 8, 0, 3);
  while (const auto probe = splitter.next_probe())
    splitter.record(*probe, count_after(ids, *probe));
  EXPECT_EQ(splitter.count_calls(), 3);
  expect_partition(splitter.windows());
}

// ---- whole pulls against the simulator ----

sim::SimulatorOptions subscription(std::int64_t assets) {
  sim::SimulatorOptions options;
  options.data.seed = 31;
  options.data.assets = assets;
  options.data.hosts = 10;
  options.data.qids = 10;
  return options;
}

// assets.csv and the saved host-id lists of a run, for comparing two runs byte for byte.
struct Published {
  std::string assets;
  std::string host_ids;       // <state>/asset-host-ids: the host IDs for the reference check
  std::string host_id_pairs;  // the base's asset-host-ids.csv: "assetId","hostId" pairs
};

Published published(const config::Config& config) {
  Published out;
  out.assets = read_file(config.output.dir / "assets.csv");
  out.host_ids = read_file(config.state.dir / "asset-host-ids");
  for (const auto& entry : std::filesystem::recursive_directory_iterator(config.state.dir)) {
    if (entry.path().filename() == "asset-host-ids.csv")
      out.host_id_pairs = read_file(entry.path());
  }
  return out;
}

class AssetWindowsPull : public ::testing::Test {
 protected:
  struct Run {
    jobs::RunOutcome outcome;
    Published files;
    std::vector<sim::RecordedRequest> requests;  // this run's
    std::string log;
  };

  Run pull(SimulatedQualys& simulated, std::int64_t assets_per_window,
           const std::function<void(config::Config&)>& adjust = {}) {
    TempDir& dir = dirs_.emplace_back();
    auto config = test_config(simulated, dir.path());
    config.jobs.assets.assets_per_window = assets_per_window;
    config.jobs.assets.full_refresh = 24h * 7;  // keep a base, with its host-id pairs
    if (adjust) adjust(config);
    const auto before = simulated.simulator().requests().size();
    LogCapture logs;
    Run run;
    run.outcome =
        run_one_job(JobKind::assets, config,
                    {simulated.options().username, simulated.options().password, ""}, true);
    run.log = logs.text();
    if (run.outcome.status == RunStatus::succeeded) run.files = published(config);
    const auto all = simulated.simulator().requests();
    run.requests.assign(all.begin() + static_cast<std::ptrdiff_t>(before), all.end());
    configs_.push_back(config);
    return run;
  }

  static std::vector<const sim::RecordedRequest*> to(const std::vector<sim::RecordedRequest>& all,
                                                     std::string_view endpoint) {
    std::vector<const sim::RecordedRequest*> out;
    for (const auto& r : all) {
      if (r.endpoint == endpoint) out.push_back(&r);
    }
    return out;
  }

  static std::string oracle(const sim::DataSpec& data) {
    TempDir expected;
    sim::write_expected_csv(data, expected.path());
    return read_file(expected.path() / "assets.csv");
  }

  std::list<TempDir> dirs_;
  std::vector<config::Config> configs_;
};

TEST_F(AssetWindowsPull, EqualsTheSingleCursorPullByteForByteAtEverySize) {
  // page_size 10, 2 workers: 25 and 70 assets stay one cursor (under 4 pages per window).
  for (const std::int64_t assets : {25, 70, 90, 400, 1234}) {
    SCOPED_TRACE(std::to_string(assets) + " assets");
    SimulatedQualys simulated(subscription(assets));
    const auto single = pull(simulated, 0);
    const auto windowed = pull(simulated, 50);
    ASSERT_EQ(single.outcome.status, RunStatus::succeeded) << single.outcome.error;
    ASSERT_EQ(windowed.outcome.status, RunStatus::succeeded) << windowed.outcome.error;
    EXPECT_EQ(windowed.files.assets, oracle(simulated.options().data));
    EXPECT_EQ(windowed.files.assets, single.files.assets);
    EXPECT_EQ(windowed.files.host_ids, single.files.host_ids);
    EXPECT_FALSE(single.files.host_id_pairs.empty());
    EXPECT_EQ(windowed.files.host_id_pairs, single.files.host_id_pairs);
    const bool windows_on = assets >= 80;
    EXPECT_EQ(windowed.log.find("count calls") != std::string::npos, windows_on) << windowed.log;
    EXPECT_EQ(to(single.requests, "count").size(), 1u);
  }
}

TEST_F(AssetWindowsPull, RunsWindowsConcurrentlyWithABoundedNumberOfCountCalls) {
  SimulatedQualys simulated(subscription(1234));
  const auto run = pull(simulated, 50);
  ASSERT_EQ(run.outcome.status, RunStatus::succeeded) << run.outcome.error;
  // 2 workers: 4 per worker = 8 windows, so 1 + at most asset_split_budget(8) count calls.
  const auto counts = to(run.requests, "count");
  EXPECT_GT(counts.size(), 1u);
  EXPECT_LE(counts.size(), 1u + static_cast<std::size_t>(jobs::asset_split_budget(8)));
  for (std::size_t i = 1; i < counts.size(); ++i) {
    EXPECT_NE(counts[i]->target.find("lastSeenAssetId="), std::string::npos) << counts[i]->target;
  }
  EXPECT_NE(run.log.find("in 8 windows"), std::string::npos) << run.log;
  // One cursor asks for ascending lastSeenAssetIds; windows in flight together interleave theirs.
  std::vector<std::int64_t> cursors;
  for (const auto* search : to(run.requests, "search")) {
    const auto at = search->target.find("lastSeenAssetId=");
    cursors.push_back(at == std::string::npos ? 0 : std::stoll(search->target.substr(at + 16)));
  }
  EXPECT_FALSE(std::is_sorted(cursors.begin(), cursors.end()));
  // Every window starts at its own cursor: 7 searches start at a split, besides the first page.
  EXPECT_GE(cursors.size(), 1234u / 10);
}

TEST_F(AssetWindowsPull, RetriesAFaultInAWindowToTheExactResult) {
  for (const std::string fault :
       {"search:status:503,nth=6", "search:reset-mid-body:800,nth=4", "search:429:1,nth=9",
        "count:status:503,nth=3", "search:csam-empty-has-more,nth=5,times=2"}) {
    SCOPED_TRACE(fault);
    SimulatedQualys simulated(subscription(400));
    simulated.simulator().add_fault(sim::parse_fault_spec(fault));
    const auto run = pull(simulated, 50);
    ASSERT_EQ(run.outcome.status, RunStatus::succeeded) << run.outcome.error;
    EXPECT_EQ(run.files.assets, oracle(simulated.options().data));
    EXPECT_GE(simulated.simulator().stats().faults_fired, 1u);
  }
}

TEST_F(AssetWindowsPull, FailsCleanlyWhenAWindowCannotContinue) {
  struct Case {
    std::string fault;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{
           {"search:csam-failed,nth=5", "responseCode FAILED"},
           {"search:csam-stuck-cursor,nth=6", "advance"},
           {"search:csam-empty-has-more,nth=4,times=forever", "hasMore=1 but holds no assets"},
           {"count:csam-failed,nth=3", "CSAM asset count"},
           {"search:status:400,nth=7", "HTTP 400"}}) {
    SCOPED_TRACE(c.fault);
    SimulatedQualys simulated(subscription(400));
    simulated.simulator().add_fault(sim::parse_fault_spec(c.fault));
    TempDir& dir = dirs_.emplace_back();
    auto config = test_config(simulated, dir.path());
    config.jobs.assets.assets_per_window = 50;
    std::ofstream(config.output.dir / "assets.csv") << "\"previous\"\n";
    auto outcome = run_one_job(JobKind::assets, config,
                               {simulated.options().username, simulated.options().password, ""});
    EXPECT_EQ(outcome.status, RunStatus::failed);
    EXPECT_NE(outcome.error.find(c.error), std::string::npos) << outcome.error;
    EXPECT_EQ(read_file(config.output.dir / "assets.csv"), "\"previous\"\n");
    for (const auto& entry : std::filesystem::directory_iterator(config.output.dir)) {
      EXPECT_NE(entry.path().filename().string().front(), '.') << "temp file left";
    }
  }
}

// The data changes after the windows are placed (assets changed, removed, and added above every
// ID, which only the unbounded last window can fetch): the pull still equals the new oracle.
TEST_F(AssetWindowsPull, FetchesAssetsAddedAndDropsAssetsRemovedAfterTheSplit) {
  SimulatedQualys simulated(subscription(1000));
  // Every window's first search hangs until the client gives up (idle_read_timeout 1 s) and
  // retries; meanwhile the data moves on a generation.
  simulated.simulator().add_fault(sim::parse_fault_spec("search:hang,times=2"));
  const auto before = simulated.options().data;
  std::promise<sim::GenerationStep> mutated;
  std::thread mutator([&] {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto requests = simulated.simulator().requests();
      if (std::count_if(requests.begin(), requests.end(),
                        [](const auto& r) { return r.endpoint == "search"; }) >= 2) {
        break;
      }
      std::this_thread::sleep_for(5ms);
    }
    mutated.set_value(simulated.simulator().mutate());
  });
  const auto run = pull(simulated, 100);
  mutator.join();
  ASSERT_EQ(mutated.get_future().get().generation, 1);
  ASSERT_EQ(run.outcome.status, RunStatus::succeeded) << run.outcome.error;
  const auto now = simulated.simulator().data();
  ASSERT_GT(sim::asset_slots(now), sim::asset_slots(before));
  EXPECT_NE(run.files.assets, oracle(before));
  EXPECT_EQ(run.files.assets, oracle(now));
  EXPECT_NE(run.log.find("count calls"), std::string::npos);
}

// An incremental pull with many changes is windowed too (a count with assetLastUpdated first)
// and merges to what a full pull of the new data gives, deleted assets aside.
TEST_F(AssetWindowsPull, WindowsAnIncrementalPullWithManyChanges) {
  auto options = subscription(400);
  options.data.changed_permille = 400;
  options.data.removed_permille = 0;
  SimulatedQualys simulated(options);
  TempDir& dir = dirs_.emplace_back();
  auto config = test_config(simulated, dir.path());
  config.jobs.assets.assets_per_window = 20;
  config.jobs.assets.full_refresh = 24h * 7;
  const config::Credentials credentials{simulated.options().username, simulated.options().password,
                                        ""};
  ASSERT_EQ(run_one_job(JobKind::assets, config, credentials).status, RunStatus::succeeded);
  simulated.simulator().mutate();
  const auto before = simulated.simulator().requests().size();
  LogCapture logs;
  const auto outcome = run_one_job(JobKind::assets, config, credentials);
  ASSERT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
  ASSERT_TRUE(outcome.result);
  EXPECT_NE(outcome.result->summary.find("incremental"), std::string::npos)
      << outcome.result->summary;
  EXPECT_EQ(read_file(config.output.dir / "assets.csv"), oracle(simulated.simulator().data()));
  const auto all = simulated.simulator().requests();
  std::size_t updated_counts = 0;
  for (std::size_t i = before; i < all.size(); ++i) {
    if (all[i].endpoint == "count" && all[i].target.find("assetLastUpdated=") != std::string::npos)
      ++updated_counts;
  }
  EXPECT_GT(updated_counts, 1u);  // the changed count, then the split
  EXPECT_NE(logs.text().find("count calls"), std::string::npos) << logs.text();
}

}  // namespace
}  // namespace qi::testing
