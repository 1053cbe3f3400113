// The three jobs against the Qualys simulator over real HTTPS on loopback: exact outputs, paging,
// authentication behaviour and secrecy.
#include <gtest/gtest.h>

#include "qualys_sim/expected_csv.hpp"
#include "simulated_qualys.hpp"
#include "support/small_subscription.hpp"

namespace qi::testing {
namespace {

using jobs::JobKind;
using jobs::RunStatus;

sim::SimulatorOptions small_subscription() {
  return small_subscription_options({.seed = 42, .password = kHostilePassword});
}

config::Credentials good_credentials(const SimulatedQualys& simulated) {
  return {simulated.options().username, simulated.options().password, ""};
}

class JobsAgainstSimulator : public ::testing::Test {
 protected:
  SimulatedQualys simulated{small_subscription()};
  TempDir dir;
  config::Config config = test_config(simulated, dir.path());
  TempDir expected;

  void SetUp() override { sim::write_expected_csv(simulated.options().data, expected.path()); }

  void expect_output_matches(std::string_view file) {
    EXPECT_EQ(read_file(config.output.dir / file), read_file(expected.path() / file))
        << file << " differs from the simulator's oracle";
  }
};

TEST_F(JobsAgainstSimulator, AssetsJobPublishesEveryAssetAcrossPages) {
  auto outcome = run_one_job(JobKind::assets, config, good_credentials(simulated));
  ASSERT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
  expect_output_matches("assets.csv");
  EXPECT_EQ(outcome.result->files.at(0).rows, 25u);
  EXPECT_GE(outcome.result->pages, 3u);
}

TEST_F(JobsAgainstSimulator, KbJobPublishesVulnKbAndEveryCvePair) {
  auto outcome = run_one_job(JobKind::kb, config, good_credentials(simulated));
  ASSERT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
  expect_output_matches("vulnkb.csv");
  expect_output_matches("cve.csv");
  EXPECT_EQ(outcome.result->files.at(0).rows, 40u);
}

TEST_F(JobsAgainstSimulator, VmJobFollowsWarningUrlsToTheLastPage) {
  auto outcome = run_one_job(JobKind::vm, config, good_credentials(simulated));
  ASSERT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
  expect_output_matches("vm.csv");
  EXPECT_GE(outcome.result->pages, 2u);  // the hosts with detections at truncation_limit 5
  EXPECT_EQ(simulated.simulator().stats().requests["detection"], outcome.result->pages);
}

TEST_F(JobsAgainstSimulator, VmJobListsHostIdsFirstAndPullsHostWindows) {
  auto outcome = run_one_job(JobKind::vm, config, good_credentials(simulated));
  ASSERT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
  expect_output_matches("vm.csv");
  auto stats = simulated.simulator().stats();
  EXPECT_EQ(stats.requests["hostlist"], 1u);
  // 12 hosts in windows of 7: "-<id>" and "<id>-", each asked for with id_min/id_max.
  std::size_t windowed = 0;
  for (const auto& request : simulated.simulator().requests()) {
    if (request.endpoint != "detection") continue;
    if (request.body.find("id_max=") != std::string::npos ||
        request.body.find("id_min=") != std::string::npos ||
        request.target.find("id_min=") != std::string::npos) {
      ++windowed;
    }
  }
  EXPECT_EQ(windowed, stats.requests["detection"]);
  EXPECT_NE(outcome.result->summary.find("(2 windows)"), std::string::npos)
      << outcome.result->summary;
}

TEST_F(JobsAgainstSimulator, VmSingleStreamModeSkipsTheHostList) {
  config.jobs.vm.hosts_per_window = 0;
  auto outcome = run_one_job(JobKind::vm, config, good_credentials(simulated));
  ASSERT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
  expect_output_matches("vm.csv");
  EXPECT_EQ(simulated.simulator().stats().requests["hostlist"], 0u);
}

TEST_F(JobsAgainstSimulator, AFailingHostListIsRetried) {
  simulated.simulator().add_fault(sim::parse_fault_spec("hostlist:status:503,nth=1"));
  auto outcome = run_one_job(JobKind::vm, config, good_credentials(simulated));
  ASSERT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
  expect_output_matches("vm.csv");
  EXPECT_EQ(simulated.simulator().stats().requests["hostlist"], 2u);
}

TEST_F(JobsAgainstSimulator, AskingForMoreConcurrencyThanTheServerAllowsStillEndsExact) {
  // The simulator allows 2: calls beyond get 409/1960 (retried) until the governor has learnt
  // X-Concurrency-Limit-Limit.
  config.qualys.max_concurrency = 4;
  config.jobs.vm.hosts_per_window = 2;
  config.jobs.kb.window_size = 1000;
  auto kb = run_one_job(JobKind::kb, config, good_credentials(simulated));
  ASSERT_EQ(kb.status, RunStatus::succeeded) << kb.error;
  auto vm = run_one_job(JobKind::vm, config, good_credentials(simulated));
  ASSERT_EQ(vm.status, RunStatus::succeeded) << vm.error;
  expect_output_matches("vulnkb.csv");
  expect_output_matches("cve.csv");
  expect_output_matches("vm.csv");
}

TEST_F(JobsAgainstSimulator, CsamEndingWith204IsACompletePull) {
  SimulatedQualys with_204([] {
    auto options = small_subscription();
    options.csam_204_at_end = true;
    return options;
  }());
  auto config_204 = test_config(with_204, dir.path());
  auto outcome = run_one_job(JobKind::assets, config_204, good_credentials(with_204));
  ASSERT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
  EXPECT_EQ(read_file(config_204.output.dir / "assets.csv"),
            read_file(expected.path() / "assets.csv"));
}

TEST_F(JobsAgainstSimulator, EveryApiV2RequestCarriesBasicAuthAndXRequestedWith) {
  ASSERT_EQ(run_one_job(JobKind::kb, config, good_credentials(simulated)).status,
            RunStatus::succeeded);
  ASSERT_EQ(run_one_job(JobKind::vm, config, good_credentials(simulated)).status,
            RunStatus::succeeded);
  int v2 = 0;
  for (const auto& request : simulated.simulator().requests()) {
    if (request.endpoint != "kb" && request.endpoint != "detection") continue;
    ++v2;
    EXPECT_EQ(request.method, "POST");
    EXPECT_TRUE(request.header("Authorization").starts_with("Basic ")) << request.target;
    EXPECT_FALSE(request.header("X-Requested-With").empty()) << request.target;
  }
  EXPECT_GT(v2, 3);
}

TEST_F(JobsAgainstSimulator, ThePasswordNeverAppearsInUrlsOrLogs) {
  LogCapture logs;
  simulated.simulator().add_fault(sim::parse_fault_spec("search:expire-tokens,nth=2"));
  simulated.simulator().add_fault(sim::parse_fault_spec("kb:status:503"));
  for (auto kind : jobs::kPullJobs) {
    EXPECT_EQ(run_one_job(kind, config, good_credentials(simulated)).status, RunStatus::succeeded);
  }
  auto bad = good_credentials(simulated);
  bad.password += "-wrong";
  EXPECT_EQ(run_one_job(JobKind::kb, config, bad).status, RunStatus::failed);
  EXPECT_EQ(run_one_job(JobKind::assets, config, bad).status, RunStatus::failed);
  const std::string password(kHostilePassword);
  EXPECT_EQ(logs.text().find(password), std::string::npos);
  EXPECT_EQ(logs.text().find("wrong"), std::string::npos);
  for (const auto& request : simulated.simulator().requests()) {
    EXPECT_EQ(request.target.find("P&ss"), std::string::npos) << request.target;
    EXPECT_EQ(request.target.find("P%26ss"), std::string::npos) << request.target;
    EXPECT_EQ(request.target.find("password"), std::string::npos) << request.target;
  }
}

TEST_F(JobsAgainstSimulator, AWrongPasswordOnTheApiMakesExactlyOneAttempt) {
  auto bad = good_credentials(simulated);
  bad.password = "not-the-password";
  auto outcome = run_one_job(JobKind::kb, config, bad);
  EXPECT_EQ(outcome.status, RunStatus::failed);
  EXPECT_NE(outcome.error.find("rejected"), std::string::npos) << outcome.error;
  EXPECT_EQ(simulated.simulator().stats().basic_auth_failed, 1u);
}

TEST_F(JobsAgainstSimulator, AWrongPasswordOnTheGatewayMakesExactlyOneLogin) {
  auto bad = good_credentials(simulated);
  bad.password = "not-the-password";
  auto outcome = run_one_job(JobKind::assets, config, bad);
  EXPECT_EQ(outcome.status, RunStatus::failed);
  const auto stats = simulated.simulator().stats();
  EXPECT_EQ(stats.gateway_logins_failed, 1u);
  EXPECT_EQ(stats.gateway_logins_ok, 0u);
}

TEST_F(JobsAgainstSimulator, ATokenThatExpiresMidPullIsRenewedOnce) {
  simulated.simulator().add_fault(sim::parse_fault_spec("search:expire-tokens,nth=2"));
  auto outcome = run_one_job(JobKind::assets, config, good_credentials(simulated));
  ASSERT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
  expect_output_matches("assets.csv");
  EXPECT_EQ(simulated.simulator().stats().gateway_logins_ok, 2u);
}

TEST_F(JobsAgainstSimulator, AShortLivedTokenIsRenewedBeforeItExpires) {
  SimulatedQualys short_tokens([] {
    auto options = small_subscription();
    // The simulator's exp is whole seconds, so a 3 s token lives 2 to 3 s.
    options.token_lifetime = std::chrono::seconds(3);
    options.latency.time_to_first_byte = std::chrono::milliseconds(400);
    return options;
  }());
  auto short_config = test_config(short_tokens, dir.path());
  short_config.jobs.assets.page_size = 3;
  auto outcome = run_one_job(JobKind::assets, short_config, good_credentials(short_tokens));
  ASSERT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
  // 9 search pages + 1 count at >= 400 ms each outlive a 3 s token at least once.
  EXPECT_GE(short_tokens.simulator().stats().gateway_logins_ok, 2u);
}

TEST_F(JobsAgainstSimulator, TwoRunsOverTheSameDataGiveByteIdenticalFiles) {
  ASSERT_EQ(run_one_job(JobKind::vm, config, good_credentials(simulated)).status,
            RunStatus::succeeded);
  const auto first = read_file(config.output.dir / "vm.csv");
  ASSERT_EQ(run_one_job(JobKind::vm, config, good_credentials(simulated)).status,
            RunStatus::succeeded);
  EXPECT_EQ(read_file(config.output.dir / "vm.csv"), first);
}

}  // namespace
}  // namespace qi::testing
