// The Qualys API simulator: one HTTPS server on loopback that serves the gateway (/auth, CSAM
// search and count) and API v2 (KB, host detection, host list) paths with the quirks of the
// real captures, from a deterministic generated dataset, with injectable faults and latency.
// Owned by a test (or by qualys-sim's main); runs on the executor it is given.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pki/test_pki.hpp"
#include "qualys_sim/data_spec.hpp"
#include "qualys_sim/faults.hpp"

namespace qi::sim {

struct Latency {
  std::chrono::milliseconds time_to_first_byte{0};  // before every response head
  std::uint64_t bandwidth = 0;  // body bytes per second per response; 0 = unlimited
};

struct SimulatorOptions {
  DataSpec data;
  std::string username = "sim-user";
  std::string password = "sim-password";
  std::chrono::seconds token_lifetime = std::chrono::hours(4);  // the JWT's exp - iat
  // false: the last non-empty CSAM page says hasMore 0. true: it says hasMore 1 and the next
  // request gets HTTP 204 No Content (docs/qualys-api.md §4.1).
  bool csam_204_at_end = false;
  Latency latency;
  // Concurrent API v2 calls allowed before 409/1960 (X-Concurrency-Limit-Limit); 0 = no limit.
  int concurrency_limit = 2;
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 0;                     // 0: any free port, see Simulator::port()
  std::size_t max_recorded_requests = 10000;  // requests() keeps the first N
};

// Counters since start (GET /__sim/stats renders them as JSON).
struct Stats {
  std::map<std::string, std::uint64_t> requests;  // per endpoint name, plus "other"
  std::uint64_t gateway_logins_ok = 0;
  std::uint64_t gateway_logins_failed = 0;
  std::uint64_t basic_auth_ok = 0;
  std::uint64_t basic_auth_failed = 0;
  std::uint64_t body_bytes_sent = 0;
  std::uint64_t connections = 0;
  std::uint64_t faults_fired = 0;
  std::uint64_t dtd_fetches = 0;  // a client that fetched the DOCTYPE's DTD (must stay 0)
  std::uint64_t concurrency_rejections = 0;  // 409/1960 from the concurrency limit
  std::string to_json() const;
};

// One request as received (headers and body verbatim, for assertions such as "the password
// never appears in a URL" and "X-Requested-With is always sent").
struct RecordedRequest {
  std::string endpoint;  // auth, search, count, kb, detection, hostlist, other
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::string header(std::string_view name) const;  // case-insensitive; "" when absent
};

// One mutation step of the dataset (Simulator::mutate, POST /__sim/mutate).
struct GenerationStep {
  int generation = 0;  // the dataset's generation after the step
  std::string time;    // its time, YYYY-MM-DDTHH:MM:SSZ (DataSpec::generation_times.back())
};

class SimulatorCore;

class Simulator {
 public:
  // Binds and listens immediately (so port() is valid), serves once start() is called.
  Simulator(boost::asio::any_io_executor executor, SimulatorOptions options,
            const qi::testing::KeyPair& server_cert);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  void start();  // spawns the accept loop on the executor
  // Alternatively, serve inside the caller's coroutine until stop() (use one or the other).
  boost::asio::awaitable<void> run();
  void stop();  // closes the listener and every connection (thread-safe)

  std::uint16_t port() const;
  const SimulatorOptions& options() const;

  // Thread-safe, effective for the next request.
  void add_fault(FaultRule rule);
  void clear_faults();
  void expire_all_tokens();
  Stats stats() const;
  std::vector<RecordedRequest> requests() const;

  // The dataset as served now: options().data plus every mutate() since (a copy; thread-safe).
  // Give it to write_expected_csv for the oracle of the current generation.
  DataSpec data() const;
  // Appends a generation at the current wall-clock time (docs/simulator.md "Generations"):
  // records change, appear and disappear for every request that starts afterwards. Thread-safe.
  GenerationStep mutate();

 private:
  std::shared_ptr<SimulatorCore> core_;
};

}  // namespace qi::sim
