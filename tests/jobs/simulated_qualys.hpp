// Test harness: the Qualys simulator on its own thread (real HTTPS on loopback with a test CA made
// now), a config pointing the daemon's code at it, and helpers to run a job and read outputs.
#pragma once

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "config/config.hpp"
#include "jobs/job_runner.hpp"
#include "pki/test_pki.hpp"
#include "qualys_sim/simulator.hpp"
#include "support/read_file.hpp"
#include "support/temp_dir.hpp"

namespace qi::testing {

// A password with every character that breaks naive form or URL encoding.
inline constexpr std::string_view kHostilePassword = R"(P&ss+w%rd=:!~^@$/"x'#;?)";

class SimulatedQualys {
 public:
  enum class Certificate { valid, expired };

  explicit SimulatedQualys(sim::SimulatorOptions options,
                           Certificate certificate = Certificate::valid);
  ~SimulatedQualys();

  sim::Simulator& simulator() { return *simulator_; }
  std::uint16_t port() const { return simulator_->port(); }
  const std::filesystem::path& ca_file() const { return ca_file_; }
  const sim::SimulatorOptions& options() const { return simulator_->options(); }

 private:
  TempDir dir_;
  std::filesystem::path ca_file_;
  boost::asio::io_context io_;
  std::unique_ptr<sim::Simulator> simulator_;
  std::thread thread_;
};

// Captures everything logged through spdlog's default logger while alive.
class LogCapture {
 public:
  LogCapture();
  ~LogCapture();
  std::string text() const { return stream_->str(); }

 private:
  std::shared_ptr<std::ostringstream> stream_;
  std::shared_ptr<void> previous_;
};

// A configuration for `simulated` with small pages, fast retries and short timeouts.
config::Config test_config(const SimulatedQualys& simulated, const std::filesystem::path& root);

// Runs one job to completion on a fresh io_context and session.
// `full`: as `run --full` (no incremental pull).
jobs::RunOutcome run_one_job(jobs::JobKind kind, const config::Config& config,
                             const config::Credentials& credentials, bool full = false);

}  // namespace qi::testing
