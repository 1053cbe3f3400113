#include "simulated_qualys.hpp"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <fstream>

#include "net/https_client.hpp"
#include "net/origin.hpp"
#include "qualys/qualys_session.hpp"

namespace qi::testing {

using namespace std::chrono_literals;

SimulatedQualys::SimulatedQualys(sim::SimulatorOptions options, Certificate certificate) {
  auto pki = TestPki::create();
  ca_file_ = dir_.path() / "ca.pem";
  pki.write_ca_pem(ca_file_);
  auto server_cert =
      certificate == Certificate::expired
          ? pki.issue({"localhost", "127.0.0.1"}, -std::chrono::hours(48), -std::chrono::hours(24))
          : pki.issue({"localhost", "127.0.0.1"});
  simulator_ =
      std::make_unique<sim::Simulator>(io_.get_executor(), std::move(options), server_cert);
  simulator_->start();
  thread_ = std::thread([this] {
    auto guard = boost::asio::make_work_guard(io_);
    io_.run();
  });
}

SimulatedQualys::~SimulatedQualys() {
  simulator_->stop();
  io_.stop();
  thread_.join();
}

LogCapture::LogCapture() : stream_(std::make_shared<std::ostringstream>()) {
  auto previous = spdlog::default_logger();
  previous_ = previous;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*stream_);
  auto logger = std::make_shared<spdlog::logger>("capture", sink);
  logger->set_level(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

LogCapture::~LogCapture() {
  spdlog::set_default_logger(std::static_pointer_cast<spdlog::logger>(previous_));
}

config::Config test_config(const SimulatedQualys& simulated, const std::filesystem::path& root) {
  config::Config config;
  config.source = root / "config.yaml";
  const auto base = "https://localhost:" + std::to_string(simulated.port());
  config.qualys.api_url = base;
  config.qualys.gateway_url = base;
  config.qualys.ca_file = simulated.ca_file();
  config.qualys.connect_timeout = 2s;
  config.qualys.handshake_timeout = 2s;
  config.qualys.write_timeout = 2s;
  config.qualys.idle_read_timeout = 1s;
  config.qualys.max_attempts = 4;
  config.qualys.backoff_initial = 5ms;
  config.qualys.backoff_max = 50ms;
  config.qualys.max_server_wait = 5s;
  config.output.dir = root / "output";
  config.state.dir = root / "state";
  std::filesystem::create_directories(config.output.dir);
  std::filesystem::create_directories(config.state.dir);
  config.jobs.assets.page_size = 10;
  // QIDs of the simulated KB start at 10000: two windows hold data, the rest are empty.
  config.jobs.kb.window_size = 10100;
  config.jobs.kb.max_qid = 20200;
  config.jobs.vm.truncation_limit = 5;
  // Windows of 7 hosts, each paged 5 + 2 by WARNING URLs.
  config.jobs.vm.hosts_per_window = 7;
  for (auto* job : {static_cast<config::JobSchedule*>(&config.jobs.assets),
                    static_cast<config::JobSchedule*>(&config.jobs.kb),
                    static_cast<config::JobSchedule*>(&config.jobs.vm)}) {
    job->timeout = 60s;
    // Every run a full pull unless a test is about incremental pulls.
    job->full_refresh = 0s;
  }
  return config;
}

jobs::RunOutcome run_one_job(jobs::JobKind kind, const config::Config& config,
                             const config::Credentials& credentials, bool full) {
  boost::asio::io_context io;
  auto http = net::make_https_client(io.get_executor(), qualys::http_client_options(config.qualys));
  qualys::Endpoints endpoints{net::parse_origin(config.qualys.api_url),
                              net::parse_origin(config.qualys.gateway_url)};
  qualys::QualysSession session(io.get_executor(), *http, endpoints, credentials, config.qualys);
  jobs::RunOutcome outcome;
  boost::asio::co_spawn(
      io, jobs::run_job_with_deadline(kind, session, config, {.run_id = "test-run", .full = full}),
      [&](std::exception_ptr error, jobs::RunOutcome result) {
        if (error) std::rethrow_exception(error);
        outcome = std::move(result);
      });
  io.run();
  return outcome;
}

}  // namespace qi::testing
