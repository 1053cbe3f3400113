// The vm.csv extra columns through the vm job against the simulator: every catalog column equals
// the simulator's oracle in full and incremental pulls, QDS is asked for only when chosen, a
// changed selection forces a full pull, and no selection publishes the legacy file; the same for
// the vulnkb.csv and assets.csv columns.
#include <gtest/gtest.h>

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
  options.data.seed = 1313;
  options.data.assets = 20;
  options.data.qids = 150;
  options.data.hosts = 60;
  options.data.detections_per_host = 6;
  return options;
}

std::vector<std::string> every_vm_column_name() {
  std::vector<std::string> names;
  for (const auto& entry : config::kColumnCatalog) {
    if (entry.file == config::CsvFile::vm) names.emplace_back(entry.name);
  }
  return names;
}

class ExtraColumnsJobs : public ::testing::Test {
 protected:
  SimulatedQualys simulated{churning_subscription()};
  TempDir dir;
  config::Config config = [this] {
    auto c = test_config(simulated, dir.path());
    c.jobs.vm.full_refresh = 24h * 7;
    // Every detection the simulator has, so that every column meets every value.
    c.jobs.vm.status = "New,Active,Re-Opened,Fixed";
    c.jobs.vm.show_igs = true;
    c.jobs.vm.include_ignored = true;
    c.jobs.vm.include_disabled = true;
    for (const auto& entry : config::kColumnCatalog) {
      if (entry.file == config::CsvFile::vm) c.output.extra_columns.vm.push_back(entry.column);
    }
    return c;
  }();
  config::Credentials credentials{simulated.options().username, simulated.options().password, ""};

  jobs::RunOutcome run() {
    auto outcome = run_one_job(JobKind::vm, config, credentials);
    EXPECT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
    return outcome;
  }

  std::string expected_vm(const std::vector<std::string>& columns) {
    TempDir oracle;
    sim::write_expected_vm_csv(simulated.simulator().data(), oracle.path(),
                               sim::DetectionFilter::all(), columns);
    return read_file(oracle.path() / "vm.csv");
  }

  std::string published() { return read_file(config.output.dir / "vm.csv"); }

  std::vector<sim::RecordedRequest> detection_requests(std::size_t from) {
    std::vector<sim::RecordedRequest> out;
    const auto all = simulated.simulator().requests();
    for (std::size_t i = from; i < all.size(); ++i) {
      if (all[i].endpoint == "detection") out.push_back(all[i]);
    }
    return out;
  }
};

TEST_F(ExtraColumnsJobs, AFullPullWithEveryVmColumnEqualsTheOracle) {
  run();
  EXPECT_EQ(published(), expected_vm(every_vm_column_name()));
  const auto requests = detection_requests(0);
  ASSERT_FALSE(requests.empty());
  for (const auto& request : requests) {
    EXPECT_NE((request.target + request.body).find("show_qds=1"), std::string::npos);
  }
}

TEST_F(ExtraColumnsJobs, IncrementalPullsWithEveryVmColumnEqualTheOracle) {
  run();
  for (int generation = 1; generation <= 2; ++generation) {
    simulated.simulator().mutate();
    auto again = run();
    EXPECT_NE(again.result->summary.find("incremental"), std::string::npos)
        << again.result->summary;
    EXPECT_EQ(published(), expected_vm(every_vm_column_name())) << "generation " << generation;
  }
}

TEST_F(ExtraColumnsJobs, QdsIsAskedForOnlyWhenChosen) {
  config.output.extra_columns.vm = {config::Column::vm_status, config::Column::vm_ports};
  run();
  EXPECT_EQ(published(), expected_vm({"Status", "Ports"}));
  for (const auto& request : detection_requests(0)) {
    EXPECT_EQ((request.target + request.body).find("show_qds"), std::string::npos);
  }
}

TEST_F(ExtraColumnsJobs, AChangedSelectionForcesAFullPull) {
  run();
  config.output.extra_columns.vm = {config::Column::vm_severity};
  auto again = run();
  EXPECT_NE(again.result->summary.find("full pull"), std::string::npos) << again.result->summary;
  EXPECT_EQ(published(), expected_vm({"Severity"}));
}

TEST_F(ExtraColumnsJobs, NoSelectionPublishesTheLegacyFileByteForByte) {
  config.output.extra_columns = {};
  run();
  TempDir oracle;
  sim::write_expected_csv(simulated.simulator().data(), oracle.path(), sim::DetectionFilter::all());
  EXPECT_EQ(published(), read_file(oracle.path() / "vm.csv"));
  EXPECT_EQ(published(), expected_vm({}));
}

std::vector<std::string> every_column_name(config::CsvFile file) {
  std::vector<std::string> names;
  for (const auto& entry : config::kColumnCatalog) {
    if (entry.file == file) names.emplace_back(entry.name);
  }
  return names;
}

TEST_F(ExtraColumnsJobs, KbPullsWithEveryVulnKbColumnEqualTheOracleFullAndIncremental) {
  config.jobs.kb.full_refresh = 24h * 7;
  for (const auto& entry : config::kColumnCatalog) {
    if (entry.file == config::CsvFile::vulnkb)
      config.output.extra_columns.vulnkb.push_back(entry.column);
  }
  for (int generation = 0; generation <= 2; ++generation) {
    if (generation > 0) simulated.simulator().mutate();
    auto outcome = run_one_job(JobKind::kb, config, credentials);
    ASSERT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
    EXPECT_NE(outcome.result->summary.find(generation == 0 ? "full pull" : "incremental"),
              std::string::npos)
        << outcome.result->summary;
    TempDir oracle;
    sim::write_expected_vulnkb_csv(simulated.simulator().data(), oracle.path(),
                                   every_column_name(config::CsvFile::vulnkb));
    EXPECT_EQ(read_file(config.output.dir / "vulnkb.csv"), read_file(oracle.path() / "vulnkb.csv"))
        << "generation " << generation;
  }
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string expected_assets(const sim::DataSpec& data, const std::vector<std::string>& columns) {
  TempDir oracle;
  sim::write_expected_assets_csv(data, oracle.path(), columns);
  return read_file(oracle.path() / "assets.csv");
}

TEST_F(ExtraColumnsJobs, AssetsPullsWithEveryAssetsColumnEqualTheOracleFullAndIncremental) {
  config.jobs.assets.full_refresh = 24h * 7;
  // A deleted asset in 20 is beyond the default tolerance: it would turn the merge into a pull.
  config.jobs.assets.count_tolerance = 0.5;
  for (const auto& entry : config::kColumnCatalog) {
    if (entry.file == config::CsvFile::assets)
      config.output.extra_columns.assets.push_back(entry.column);
  }
  for (int generation = 0; generation <= 2; ++generation) {
    if (generation > 0) simulated.simulator().mutate();
    auto outcome = run_one_job(JobKind::assets, config, credentials);
    ASSERT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
    const auto expected =
        expected_assets(simulated.simulator().data(), every_column_name(config::CsvFile::assets));
    const auto published_text = read_file(config.output.dir / "assets.csv");
    if (generation == 0) {
      EXPECT_EQ(published_text, expected);
      continue;
    }
    EXPECT_NE(outcome.result->summary.find("incremental"), std::string::npos)
        << outcome.result->summary;
    // Deleted assets stay until the next full pull; every other row is the oracle's.
    const auto want = lines_of(expected);
    const auto got = lines_of(published_text);
    const std::set<std::string> want_rows(want.begin(), want.end());
    std::set<std::int64_t> want_ids;
    for (std::size_t i = 1; i < want.size(); ++i) want_ids.insert(*jobs::leading_id(want[i]));
    std::size_t kept = 0;
    ASSERT_FALSE(got.empty());
    EXPECT_EQ(got[0], want[0]);
    for (std::size_t i = 1; i < got.size(); ++i) {
      if (want_rows.contains(got[i])) {
        ++kept;
      } else {
        EXPECT_FALSE(want_ids.contains(*jobs::leading_id(got[i]))) << got[i];
      }
    }
    EXPECT_EQ(kept, want.size() - 1) << "generation " << generation;
  }
  auto full = run_one_job(JobKind::assets, config, credentials, /*full=*/true);
  ASSERT_EQ(full.status, RunStatus::succeeded) << full.error;
  EXPECT_EQ(
      read_file(config.output.dir / "assets.csv"),
      expected_assets(simulated.simulator().data(), every_column_name(config::CsvFile::assets)));
}

TEST_F(ExtraColumnsJobs, ChoosingTheAssetsHostIdForcesAFullPull) {
  config.jobs.assets.full_refresh = 24h * 7;
  ASSERT_EQ(run_one_job(JobKind::assets, config, credentials).status, RunStatus::succeeded);
  EXPECT_EQ(read_file(config.output.dir / "assets.csv"),
            expected_assets(simulated.simulator().data(), {}));
  config.output.extra_columns.assets = {config::Column::asset_host_id};
  auto again = run_one_job(JobKind::assets, config, credentials);
  ASSERT_EQ(again.status, RunStatus::succeeded) << again.error;
  EXPECT_NE(again.result->summary.find("full pull"), std::string::npos) << again.result->summary;
  EXPECT_EQ(read_file(config.output.dir / "assets.csv"),
            expected_assets(simulated.simulator().data(), {"Host ID"}));
}

TEST_F(ExtraColumnsJobs, TheSearchAsksForDnsNameAndAgentIdOnlyWhenChosen) {
  auto searches = [this](std::size_t from) {
    std::vector<std::string> targets;
    const auto all = simulated.simulator().requests();
    for (std::size_t i = from; i < all.size(); ++i) {
      if (all[i].endpoint == "search") targets.push_back(all[i].target);
    }
    return targets;
  };
  config.output.extra_columns.assets = {config::Column::asset_host_id};
  ASSERT_EQ(run_one_job(JobKind::assets, config, credentials).status, RunStatus::succeeded);
  const auto plain = searches(0);
  ASSERT_FALSE(plain.empty());
  for (const auto& target : plain) EXPECT_EQ(target.find("dnsName"), std::string::npos) << target;
  config.output.extra_columns.assets = {config::Column::asset_agent_id,
                                        config::Column::asset_dns_name};
  const auto before = simulated.simulator().requests().size();
  ASSERT_EQ(run_one_job(JobKind::assets, config, credentials).status, RunStatus::succeeded);
  for (const auto& target : searches(before)) {
    EXPECT_NE(target.find("hostId%2CagentId%2CdnsName"), std::string::npos) << target;
  }
  EXPECT_EQ(read_file(config.output.dir / "assets.csv"),
            expected_assets(simulated.simulator().data(), {"Agent ID", "DNS Name"}));
}

TEST_F(ExtraColumnsJobs, TheSearchAsksForTagsAgentAndCloudFieldsOnlyWhenChosen) {
  config.output.extra_columns.assets = {config::Column::asset_host_id};
  ASSERT_EQ(run_one_job(JobKind::assets, config, credentials).status, RunStatus::succeeded);
  const auto before = simulated.simulator().requests().size();
  for (const auto& request : simulated.simulator().requests()) {
    if (request.endpoint != "search") continue;
    for (const char* field : {"tagList", "agent", "provider"}) {
      EXPECT_EQ(request.target.find(field), std::string::npos) << request.target;
    }
  }
  config.output.extra_columns.assets = {
      config::Column::asset_instance_id, config::Column::asset_tags,
      config::Column::asset_cloud_provider, config::Column::asset_last_check_in};
  ASSERT_EQ(run_one_job(JobKind::assets, config, credentials).status, RunStatus::succeeded);
  const auto all = simulated.simulator().requests();
  for (std::size_t i = before; i < all.size(); ++i) {
    if (all[i].endpoint != "search") continue;
    EXPECT_NE(all[i].target.find("hostId%2CcloudProvider%2CtagList%2Cprovider%2Cagent"),
              std::string::npos)
        << all[i].target;
  }
  EXPECT_EQ(read_file(config.output.dir / "assets.csv"),
            expected_assets(simulated.simulator().data(),
                            {"Instance ID", "Tags", "Cloud Provider", "Last Check-In"}));
}

}  // namespace
}  // namespace qi::testing
