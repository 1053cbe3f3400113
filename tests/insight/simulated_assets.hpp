// Test harness for code that talks to Jira: the Assets simulator on its own thread (real HTTPS on
// loopback, a test CA made now, short import steps), the credential files its defaults accept,
// a log capture, and a way to run one coroutine to its end on the test's io_context.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "assets_sim/assets_sim.hpp"
#include "net/https_client.hpp"
#include "support/temp_dir.hpp"

namespace qi::testing {

class SimulatedAssets {
 public:
  // Steps of 30 ms, so an import finishes within a test's deadline.
  static assets_sim::AssetsSimOptions fast_options();

  explicit SimulatedAssets(assets_sim::AssetsSimOptions options = fast_options());
  ~SimulatedAssets();
  SimulatedAssets(const SimulatedAssets&) = delete;
  SimulatedAssets& operator=(const SimulatedAssets&) = delete;

  assets_sim::AssetsSimulator& simulator() { return *simulator_; }
  std::string base_url() const;  // "https://localhost:PORT"
  const std::filesystem::path& ca_file() const { return ca_file_; }
  // Files (mode 0600) holding what the simulator accepts: the DC personal access token, the DC
  // "USER PASSWORD" line, and the Cloud container token.
  const std::filesystem::path& token_file() const { return token_file_; }
  const std::filesystem::path& login_file() const { return login_file_; }
  const std::filesystem::path& cloud_token_file() const { return cloud_token_file_; }
  // A new file (mode 0600) in the harness's directory holding `content`.
  std::filesystem::path write_secret(const std::string& name, const std::string& content) const;

  // An HTTPS client trusting the test CA, with short timeouts.
  std::unique_ptr<net::HttpClient> client(boost::asio::io_context& io) const;

 private:
  TempDir dir_;
  std::filesystem::path ca_file_;
  std::filesystem::path token_file_;
  std::filesystem::path login_file_;
  std::filesystem::path cloud_token_file_;
  boost::asio::io_context io_;
  std::unique_ptr<assets_sim::AssetsSimulator> simulator_;
  std::thread thread_;
};

// Captures everything logged through spdlog's default logger (all levels) while alive.
class CapturedLog {
 public:
  CapturedLog();
  ~CapturedLog();
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;
  std::string text() const { return stream_->str(); }

 private:
  std::shared_ptr<std::ostringstream> stream_;
  std::shared_ptr<void> previous_;
};

// Runs `make()` on `io` until it ends; returns its value or rethrows its exception.
template <class T>
T run_coroutine(boost::asio::io_context& io,
                const std::function<boost::asio::awaitable<T>()>& make) {
  std::optional<T> result;
  std::exception_ptr error;
  boost::asio::co_spawn(
      io, [&]() -> boost::asio::awaitable<void> { result = co_await make(); },
      [&](std::exception_ptr e) { error = std::move(e); });
  io.restart();
  io.run();
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

}  // namespace qi::testing
