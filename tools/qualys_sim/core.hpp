// Internals of the simulator shared by its .cpp files: the server state (SimulatorCore), the
// response writer that streams chunked bodies with faults and latency, and the endpoint
// handlers. Not part of the public API (simulator.hpp).
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <mutex>
#include <optional>

#include "qualys_sim/sim_util.hpp"
#include "qualys_sim/simulator.hpp"
#include "sim_common/https_server.hpp"

namespace qi::sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using sim_common::ConnectionDropped;  // thrown by the writer after it reset the connection
using sim_common::Request;
using sim_common::Stream;
using Headers = std::vector<std::pair<std::string, std::string>>;

// Thrown by the writer after it ended a chunked body early on purpose (truncate fault): the
// response is over, the connection stays usable.
struct BodyCut {};

struct BodyFaults {
  std::optional<std::uint64_t> reset_after;
  std::optional<std::uint64_t> truncate_after;
  std::optional<std::chrono::milliseconds> drip;
  bool any() const { return reset_after || truncate_after || drip; }
};

// Writes one HTTP/1.1 response on the TLS stream: head after the time-to-first-byte delay, then
// either a Content-Length body or chunks generated incrementally (never the whole body in memory).
class ResponseWriter {
 public:
  ResponseWriter(Stream& stream, Latency latency, BodyFaults faults,
                 std::atomic<std::uint64_t>& bytes_counter);

  asio::awaitable<void> start_chunked(unsigned status, const Headers& headers);
  asio::awaitable<void> write(std::string_view data);  // buffered; flushed every 16 KiB
  asio::awaitable<void> finish();
  // A whole small response (chunked anyway when a body fault is active).
  asio::awaitable<void> send(unsigned status, const Headers& headers, std::string_view body);

  std::uint64_t body_bytes() const { return body_sent_; }
  // When the client asked for Connection: close, the head says so (the session then closes).
  void set_keep_alive(bool keep_alive) { keep_alive_ = keep_alive; }

 private:
  asio::awaitable<void> write_head(unsigned status, const Headers& headers,
                                   const std::string& framing);
  asio::awaitable<void> emit_chunk(std::string_view data);
  asio::awaitable<void> raw_write(std::string_view data);
  asio::awaitable<void> sleep_for(std::chrono::milliseconds delay);
  void abort_connection();

  Stream& stream_;
  Latency latency_;
  BodyFaults faults_;
  std::atomic<std::uint64_t>& bytes_counter_;
  std::string pending_;
  std::uint64_t body_sent_ = 0;
  std::uint64_t wire_sent_ = 0;
  bool keep_alive_ = true;
  std::chrono::steady_clock::time_point started_;
};

// Everything a handler needs about the request it serves.
struct Exchange {
  SimulatorCore& core;
  Stream& stream;
  const Request& request;
  Endpoint endpoint;
  std::string path;
  Params params;        // query string, then form body (a later duplicate wins)
  std::string host;     // Host header as sent (echoed in WARNING URLs and DTD URLs)
  std::string version;  // "2.0".."5.0" for API v2 paths
  std::optional<FaultRule> fault;
  std::uint64_t request_number = 0;  // per endpoint, 1-based
};

class SimulatorCore : public std::enable_shared_from_this<SimulatorCore> {
 public:
  SimulatorCore(asio::any_io_executor executor, SimulatorOptions options,
                const qi::testing::KeyPair& server_cert);

  const SimulatorOptions& options() const { return options_; }
  std::uint16_t port() const { return server_->port(); }
  void start();
  asio::awaitable<void> run();
  void stop() { server_->stop(); }

  // --- state, all guarded by mu_ ---
  void add_fault(FaultRule rule);
  void clear_faults();
  void expire_all_tokens();
  Stats stats() const;
  std::vector<RecordedRequest> requests() const;
  DataSpec data() const;  // a snapshot: handlers copy it once per request
  GenerationStep mutate();

  std::string issue_token();
  bool token_valid(const std::string& token);
  void revoke_token(const std::string& token);
  void count(std::uint64_t Stats::*field, std::uint64_t amount = 1);
  std::atomic<std::uint64_t>& bytes_counter() { return body_bytes_; }  // executor thread only
  // Numbers the request for its endpoint and finds the fault rule that fires for it.
  std::pair<std::uint64_t, std::optional<FaultRule>> admit(Endpoint endpoint,
                                                           const std::string& name,
                                                           RecordedRequest recorded);
  // Rate-limit headers with the current counters (every API v2 response, lower-case names as in
  // docs/qualys-api.md §7.1); running includes this call.
  Headers rate_limit_headers(bool with_wait_and_remaining, std::int64_t to_wait = 0);
  int running_v2 = 0;  // executor thread only
  // The response to one request (the HttpsServer's callback); false: close the connection.
  asio::awaitable<bool> serve(Stream& stream, const Request& request);

 private:
  void connect_server();  // the server's Serve callback: this core while it lives

  SimulatorOptions options_;
  std::shared_ptr<sim_common::HttpsServer> server_;
  std::atomic<std::uint64_t> body_bytes_{0};

  mutable std::mutex mu_;
  FaultPlan faults_;
  Stats stats_;
  std::vector<RecordedRequest> recorded_;
  std::map<Endpoint, std::uint64_t> per_endpoint_;
  std::uint64_t total_requests_ = 0;
  std::uint64_t v2_calls_ = 0;
  std::map<std::string, std::chrono::system_clock::time_point> tokens_;
  std::uint64_t token_serial_ = 0;
  DataSpec data_;  // options_.data plus the generations mutate() appended
};

// Endpoint handlers (gateway_handlers.cpp, v2_handlers.cpp). Each writes one response.
asio::awaitable<void> handle_auth(Exchange& ex);
asio::awaitable<void> handle_search(Exchange& ex);
asio::awaitable<void> handle_count(Exchange& ex);
asio::awaitable<void> handle_v2(Exchange& ex);  // auth, headers, limits, then kb/detection/hostlist

// Common fault responses that do not depend on the endpoint; returns true when it answered.
asio::awaitable<bool> answer_generic_fault(Exchange& ex, ResponseWriter& writer);
BodyFaults body_faults_of(const std::optional<FaultRule>& fault);
ResponseWriter make_writer(Exchange& ex);
Headers plain_headers(std::string_view content_type);

}  // namespace qi::sim
