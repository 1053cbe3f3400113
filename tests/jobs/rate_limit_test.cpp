// Rate-limit pauses seen from a job run against the simulator: each one is logged, shows in the
// progress the runner logs and hands to the daemon (systemd STATUS), and counts against the
// deadline in a way the run's message explains (issue 14, item 3: never a silent stall).
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>

#include "net/https_client.hpp"
#include "net/origin.hpp"
#include "qualys/qualys_session.hpp"
#include "simulated_qualys.hpp"

namespace qi::testing {
namespace {

using jobs::JobKind;
using jobs::RunStatus;
using namespace std::chrono_literals;

// Every API v2 answer says 3 calls are left in the window: below the reserve of 5, so every
// call pauses the next one (90 s uncapped).
constexpr std::string_view kThreeCallsLeft = "any:low-remaining:3,times=forever";

sim::SimulatorOptions small_subscription() {
  sim::SimulatorOptions options;
  options.data.seed = 7;
  options.data.hosts = 12;
  options.data.qids = 40;
  options.data.detections_per_host = 4;
  return options;
}

std::size_t count(const std::string& text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Runs the vm job, recording every progress report, with the 30 s progress log every second.
jobs::RunOutcome run_vm(const config::Config& config, const sim::SimulatorOptions& options,
                        std::vector<jobs::JobProgress>& reports) {
  boost::asio::io_context io;
  auto http = net::make_https_client(io.get_executor(), qualys::http_client_options(config.qualys));
  qualys::Endpoints endpoints{net::parse_origin(config.qualys.api_url),
                              net::parse_origin(config.qualys.gateway_url)};
  qualys::QualysSession session(io.get_executor(), *http, endpoints,
                                {options.username, options.password, ""}, config.qualys);
  jobs::RunOutcome outcome;
  std::function<void(const jobs::JobProgress&)> record = [&](const jobs::JobProgress& p) {
    reports.push_back(p);
  };
  boost::asio::co_spawn(
      io,
      jobs::run_job_with_deadline(
          JobKind::vm, session, config,
          {.run_id = "test-run", .on_progress = record, .progress_interval = 1s, .full = true}),
      [&](std::exception_ptr error, jobs::RunOutcome result) {
        if (error) std::rethrow_exception(error);
        outcome = std::move(result);
      });
  io.run();
  return outcome;
}

TEST(RateLimitPause, IsLoggedOncePerPauseWithItsReasonAndCappedLength) {
  SimulatedQualys simulated(small_subscription());
  simulated.simulator().add_fault(sim::parse_fault_spec(kThreeCallsLeft));
  TempDir dir;
  auto config = test_config(simulated, dir.path());
  config.qualys.max_server_wait = 200ms;
  config.jobs.vm.timeout = 10s;
  LogCapture logs;
  const auto outcome = run_one_job(
      JobKind::vm, config, {simulated.options().username, simulated.options().password, ""});
  ASSERT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
  const auto text = logs.text();
  EXPECT_NE(text.find("pausing every Qualys call for 0.2 s: Qualys rate limit, 3 calls left in "
                      "the 3600 s window (qualys.rate_limit_reserve is 5; spreading them over "
                      "the window would take 90 s, capped at qualys.retry.max_server_wait)"),
            std::string::npos)
      << text;
  // One line per pause: at most one per answer, however many calls waited.
  const auto stats = simulated.simulator().stats();
  const auto answers = stats.requests.at("hostlist") + stats.requests.at("detection");
  EXPECT_GE(count(text, "pausing every Qualys call"), 1u);
  EXPECT_LE(count(text, "pausing every Qualys call"), answers) << text;
}

TEST(RateLimitPause, ShowsInTheProgressLogAndTheProgressReportsWhileItLasts) {
  SimulatedQualys simulated(small_subscription());
  simulated.simulator().add_fault(sim::parse_fault_spec(kThreeCallsLeft));
  TempDir dir;
  auto config = test_config(simulated, dir.path());
  config.qualys.max_server_wait = 1s;
  config.jobs.vm.timeout = 30s;
  LogCapture logs;
  std::vector<jobs::JobProgress> reports;
  const auto outcome = run_vm(config, simulated.options(), reports);
  ASSERT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
  constexpr std::string_view kWaiting =
      "waiting 1 s: Qualys rate limit, 3 calls left in the 3600 s window";
  // The daemon builds STATUS= from these reports.
  EXPECT_TRUE(std::any_of(reports.begin(), reports.end(),
                          [&](const jobs::JobProgress& p) { return p.waiting == kWaiting; }));
  // The progress line, once a second here, falls inside a pause: the pauses fill the run.
  EXPECT_NE(logs.text().find("; " + std::string(kWaiting)), std::string::npos) << logs.text();
}

TEST(RateLimitPause, CountsAgainstTheDeadlineAndTheTimeoutMessageSaysHowMuch) {
  SimulatedQualys simulated(small_subscription());
  // The host list pauses calls for 1 s (the cap); then detection pages never answer.
  simulated.simulator().add_fault(sim::parse_fault_spec("detection:hang,times=forever"));
  simulated.simulator().add_fault(sim::parse_fault_spec(kThreeCallsLeft));
  TempDir dir;
  auto config = test_config(simulated, dir.path());
  config.qualys.max_server_wait = 1s;
  config.qualys.idle_read_timeout = 30s;
  config.jobs.vm.timeout = 3s;
  std::vector<jobs::JobProgress> reports;
  const auto outcome = run_vm(config, simulated.options(), reports);
  ASSERT_EQ(outcome.status, RunStatus::timed_out) << outcome.error;
  EXPECT_NE(outcome.error.find("did not finish within its timeout of 3 s (1 s of it with every "
                               "Qualys call paused by the rate limit)"),
            std::string::npos)
      << outcome.error;
}

}  // namespace
}  // namespace qi::testing
