// Internals of the Assets simulator shared by its .cpp files: the server state (AssetsCore), the
// exchange a handler serves, and the handler entry points. Not part of the public API
// (assets_sim.hpp). Responses go through qualys-sim's ResponseWriter (latency, drip, reset).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <mutex>
#include <optional>

#include "assets_sim/assets_sim.hpp"
#include "assets_sim/cloud_store.hpp"
#include "assets_sim/dc_imports.hpp"
#include "qualys_sim/core.hpp"
#include "sim_common/https_server.hpp"

namespace qi::assets_sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using qi::sim::Headers;
using qi::sim::Request;
using qi::sim::Stream;
using sim_common::HttpsServer;
using sim_common::HttpsServerOptions;

class AssetsCore;

// Everything a handler needs about the request it serves.
struct Exchange {
  AssetsCore& core;
  Stream& stream;
  const Request& request;
  std::string family;  // dc-progress, dc-start, info, ..., other
  std::string path;
  std::optional<FaultRule> fault;
};

class AssetsCore : public std::enable_shared_from_this<AssetsCore> {
 public:
  AssetsCore(asio::any_io_executor executor, AssetsSimOptions options,
             const qi::testing::KeyPair& server_cert);

  const AssetsSimOptions& options() const { return options_; }
  std::uint16_t port() const { return server_->port(); }
  // Serving starts here, not in the constructor: the server's callback holds a weak_ptr to this.
  void start();
  void stop() { server_->stop(); }
  // The response to one request (the HttpsServer's callback); false: close the connection.
  asio::awaitable<bool> serve(Stream& stream, const Request& request);

  // The state, under one lock: f(dc) or f(cloud) runs with it held.
  template <class F>
  auto with_dc(F&& f) {
    std::lock_guard lock(mu_);
    return f(dc_);
  }
  template <class F>
  auto with_cloud(F&& f) {
    std::lock_guard lock(mu_);
    return f(cloud_);
  }
  void add_fault(FaultRule rule);
  void clear_faults();
  void count(std::uint64_t Stats::*field);
  Stats stats() const;
  std::vector<qi::sim::RecordedRequest> requests() const;
  // Seconds until the Cloud rate-limit window frees a slot, when this request is over the limit.
  std::optional<std::int64_t> over_rate_limit();

 private:
  std::optional<FaultRule> admit(const std::string& family, qi::sim::RecordedRequest recorded);

  AssetsSimOptions options_;
  std::shared_ptr<HttpsServer> server_;

  mutable std::mutex mu_;
  FaultPlan faults_;
  Stats stats_;
  std::vector<qi::sim::RecordedRequest> recorded_;
  DcImports dc_;
  CloudStore cloud_;
  std::chrono::steady_clock::time_point window_start_;
  std::uint64_t window_requests_ = 0;
};

// One JSON answer through the request's faults (slow, drip, reset-after-apply).
asio::awaitable<void> reply(Exchange& ex, unsigned status, std::string_view body,
                            Headers extra = {});
// The family of a request path and method ("other" when nothing matches).
std::string family_of(std::string_view method, std::string_view path);

asio::awaitable<void> handle_dc(Exchange& ex);     // dc_handlers.cpp
asio::awaitable<void> handle_cloud(Exchange& ex);  // cloud_handlers.cpp
asio::awaitable<void> handle_control(AssetsCore& core, Stream& stream, const Request& request,
                                     const std::string& target);  // control.cpp
std::string objects_json(const std::vector<StoredObject>& objects);

}  // namespace qi::assets_sim
