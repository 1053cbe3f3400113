// The Assets simulator's request path: the request log, faults applied before the handlers, the
// routing to the DC and Cloud handlers, the Cloud rate limit, and the counters.
#include "assets_sim/core.hpp"
#include "qualys_sim/request_log.hpp"

namespace qi::assets_sim {

namespace {

asio::awaitable<void> refuse_large_body(Stream& stream, std::size_t cap) {
  std::atomic<std::uint64_t> bytes{0};
  qi::sim::ResponseWriter writer(stream, {}, {}, bytes);
  writer.set_keep_alive(false);
  const Headers headers = {{"Content-Type", "application/json;charset=UTF-8"}};
  co_await writer.send(413, headers,
                       "{\"errorMessages\":[\"The request body is larger than " +
                           std::to_string(cap) + " bytes\"],\"errors\":{}}\n");
}

}  // namespace

AssetsCore::AssetsCore(asio::any_io_executor executor, AssetsSimOptions options,
                       const qi::testing::KeyPair& server_cert)
    : options_(std::move(options)),
      dc_(options_.dc, DcClock::now()),
      cloud_(options_.cloud),
      window_start_(std::chrono::steady_clock::now()) {
  const HttpsServerOptions server_options{options_.bind_address, options_.port,
                                          options_.max_body_bytes};
  server_ = std::make_shared<HttpsServer>(executor, server_options, server_cert);
}

void AssetsCore::start() {
  server_->set_serve(sim_common::serve_while_alive(shared_from_this()));
  server_->set_refuse_body(
      [cap = options_.max_body_bytes](Stream& stream) { return refuse_large_body(stream, cap); });
  server_->start();
}

asio::awaitable<bool> AssetsCore::serve(Stream& stream, const Request& request) {
  const std::string target(request.target());
  const std::string path = target.substr(0, target.find('?'));
  const bool keep_alive = request.keep_alive();
  if (path.starts_with("/__assets/")) {
    co_await handle_control(*this, stream, request, target);
    co_return keep_alive;
  }
  const std::string family = family_of(request.method_string(), path);
  qi::sim::RecordedRequest recorded{
      family, std::string(request.method_string()), target, {}, request.body()};
  for (const auto& field : request) {
    recorded.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  qi::sim::log_request(recorded);  // assets-sim --request-log only
  Exchange ex{*this, stream, request, family, path, admit(family, std::move(recorded))};

  const auto& fault = ex.fault;
  if (fault && fault->kind == FaultKind::reset) {
    auto& socket = beast::get_lowest_layer(stream).socket();
    boost::system::error_code ec;
    socket.set_option(asio::socket_base::linger(true, 0), ec);  // RST, not FIN
    socket.close(ec);
    throw qi::sim::ConnectionDropped{};
  }
  if (fault && fault->kind == FaultKind::too_many_429) {
    Headers retry = {{"Retry-After", std::to_string(fault->seconds)}};
    co_await reply(ex, 429, error_messages_json("Rate limit exceeded"), std::move(retry));
  } else if (fault && fault->kind == FaultKind::http_status) {
    Headers extra;
    if (fault->status == 503) extra.emplace_back("Retry-After", std::to_string(fault->seconds));
    if (fault->status == 401) extra.emplace_back("WWW-Authenticate", "Bearer realm=\"sim\"");
    co_await reply(ex, static_cast<unsigned>(fault->status),
                   error_messages_json("Simulated HTTP " + std::to_string(fault->status)),
                   std::move(extra));
  } else if (family.starts_with("dc-")) {
    co_await handle_dc(ex);
  } else if (family != "other") {
    co_await handle_cloud(ex);
  } else {
    co_await reply(ex, 404, error_messages_json("Not found: " + path));
  }
  co_return keep_alive;
}

std::optional<FaultRule> AssetsCore::admit(const std::string& family,
                                           qi::sim::RecordedRequest recorded) {
  std::lock_guard lock(mu_);
  ++stats_.requests[family];
  if (recorded_.size() < options_.max_recorded_requests) recorded_.push_back(std::move(recorded));
  if (family == "other") return std::nullopt;
  auto fault = faults_.match(family);
  if (fault) ++stats_.faults_fired;
  return fault;
}

std::optional<std::int64_t> AssetsCore::over_rate_limit() {
  const std::uint64_t limit = options_.cloud.rate_limit_per_minute;
  if (limit == 0) return std::nullopt;
  std::lock_guard lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  const auto window = std::chrono::minutes(1);
  if (now - window_start_ >= window) {
    window_start_ = now;
    window_requests_ = 0;
  }
  if (++window_requests_ <= limit) return std::nullopt;
  ++stats_.rate_limited;
  const auto left = std::chrono::ceil<std::chrono::seconds>(window_start_ + window - now);
  return std::max<std::int64_t>(1, left.count());
}

void AssetsCore::add_fault(FaultRule rule) {
  std::lock_guard lock(mu_);
  faults_.add(std::move(rule));
}

void AssetsCore::clear_faults() {
  std::lock_guard lock(mu_);
  faults_.clear();
}

void AssetsCore::count(std::uint64_t Stats::*field) {
  std::lock_guard lock(mu_);
  ++(stats_.*field);
}

Stats AssetsCore::stats() const {
  std::lock_guard lock(mu_);
  Stats copy = stats_;
  copy.connections = server_->connections();
  return copy;
}

std::vector<qi::sim::RecordedRequest> AssetsCore::requests() const {
  std::lock_guard lock(mu_);
  return recorded_;
}

asio::awaitable<void> reply(Exchange& ex, unsigned status, std::string_view body, Headers extra) {
  qi::sim::Latency latency;
  qi::sim::BodyFaults body_faults;
  if (ex.fault && ex.fault->kind == FaultKind::slow) latency.time_to_first_byte = ex.fault->delay;
  if (ex.fault && ex.fault->kind == FaultKind::drip) body_faults.drip = ex.fault->delay;
  if (ex.fault && ex.fault->kind == FaultKind::reset_after_apply) body_faults.reset_after = 0;
  std::atomic<std::uint64_t> bytes{0};
  qi::sim::ResponseWriter writer(ex.stream, latency, body_faults, bytes);
  writer.set_keep_alive(ex.request.keep_alive());
  Headers headers = {{"Content-Type", "application/json;charset=UTF-8"}};
  for (auto& h : extra) headers.push_back(std::move(h));
  co_await writer.send(status, headers, body);
}

}  // namespace qi::assets_sim
