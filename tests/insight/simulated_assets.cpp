#include "insight/simulated_assets.hpp"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <boost/asio/executor_work_guard.hpp>
#include <fstream>

#include "pki/test_pki.hpp"

namespace qi::testing {

using namespace std::chrono_literals;

assets_sim::AssetsSimOptions SimulatedAssets::fast_options() {
  assets_sim::AssetsSimOptions options;
  options.dc.step_duration = 30ms;
  options.cloud.processing_duration = 30ms;
  return options;
}

SimulatedAssets::SimulatedAssets(assets_sim::AssetsSimOptions options) {
  auto pki = TestPki::create();
  ca_file_ = dir_.path() / "ca.pem";
  pki.write_ca_pem(ca_file_);
  token_file_ = write_secret("jira.token", options.dc.token + "\n");
  login_file_ = write_secret("jira.login", options.dc.username + " " + options.dc.password + "\n");
  cloud_token_file_ = write_secret("assets.token", options.cloud.token + "\n");
  simulator_ = std::make_unique<assets_sim::AssetsSimulator>(io_.get_executor(), std::move(options),
                                                             pki.issue({"localhost", "127.0.0.1"}));
  simulator_->start();
  thread_ = std::thread([this] {
    auto guard = boost::asio::make_work_guard(io_);
    io_.run();
  });
}

SimulatedAssets::~SimulatedAssets() {
  simulator_->stop();
  io_.stop();
  thread_.join();
}

std::string SimulatedAssets::base_url() const {
  return "https://localhost:" + std::to_string(simulator_->port());
}

std::filesystem::path SimulatedAssets::write_secret(const std::string& name,
                                                    const std::string& content) const {
  const auto path = dir_.path() / name;
  std::ofstream(path) << content;
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return path;
}

std::unique_ptr<net::HttpClient> SimulatedAssets::client(boost::asio::io_context& io) const {
  net::HttpClientOptions options;
  options.ca_file = ca_file_.string();
  options.connect_timeout = 2s;
  options.handshake_timeout = 2s;
  options.write_timeout = 2s;
  options.idle_read_timeout = 2s;
  return net::make_https_client(io.get_executor(), options);
}

CapturedLog::CapturedLog() : stream_(std::make_shared<std::ostringstream>()) {
  previous_ = spdlog::default_logger();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*stream_);
  auto logger = std::make_shared<spdlog::logger>("captured", sink);
  logger->set_level(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

CapturedLog::~CapturedLog() {
  spdlog::set_default_logger(std::static_pointer_cast<spdlog::logger>(previous_));
}

}  // namespace qi::testing
