// The server: routing each request, and the shared state behind the public Simulator facade. The
// connections (accept loop, TLS, keep-alive) are tools/sim_common's HttpsServer.
#include "qualys_sim/simulator.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/ssl.hpp>
#include <stdexcept>

#include "qualys_sim/control.hpp"
#include "qualys_sim/core.hpp"
#include "qualys_sim/request_log.hpp"

namespace qi::sim {

SimulatorCore::SimulatorCore(asio::any_io_executor executor, SimulatorOptions options,
                             const qi::testing::KeyPair& server_cert)
    : options_(std::move(options)) {
  const sim_common::HttpsServerOptions server_options{options_.bind_address, options_.port,
                                                      16 * 1024 * 1024};
  server_ = std::make_shared<sim_common::HttpsServer>(executor, server_options, server_cert);
  check_generations(options_.data);
  data_ = options_.data;
}

void SimulatorCore::connect_server() {
  server_->set_serve(sim_common::serve_while_alive(shared_from_this()));
}

void SimulatorCore::start() {
  connect_server();
  server_->start();
}

asio::awaitable<void> SimulatorCore::run() {
  connect_server();
  co_await server_->run();
}

namespace {

std::string version_of(std::string_view path) {
  for (const char* v : {"2.0", "3.0", "4.0", "5.0"}) {
    if (path.starts_with(std::string("/api/") + v + "/")) return v;
  }
  return {};
}

Endpoint route(std::string_view path, const std::string& version, std::string& name) {
  auto is = [&](std::string_view p) { return path == p || path == std::string(p) + "/"; };
  if (is("/auth")) return name = "auth", Endpoint::auth;
  if (is("/rest/2.0/search/am/asset")) return name = "search", Endpoint::search;
  if (is("/rest/2.0/count/am/asset")) return name = "count", Endpoint::count;
  if (!version.empty()) {
    const std::string base = "/api/" + version + "/fo/";
    if (is(base + "knowledge_base/vuln")) return name = "kb", Endpoint::kb;
    if (is(base + "asset/host/vm/detection")) return name = "detection", Endpoint::detection;
    if (is(base + "asset/host")) return name = "hostlist", Endpoint::hostlist;
  }
  name = "other";
  return Endpoint::any;
}

}  // namespace

asio::awaitable<bool> SimulatorCore::serve(Stream& stream, const Request& request) {
  const std::string target(request.target());
  const auto question = target.find('?');
  const std::string path = target.substr(0, question);
  const std::string query =
      question == std::string::npos ? std::string{} : target.substr(question + 1);
  const bool keep_alive = request.keep_alive();

  if (path.starts_with("/__sim/")) {
    co_await handle_control(*this, stream, request, path);
    co_return keep_alive;
  }

  std::string name;
  const std::string version = version_of(path);
  const Endpoint endpoint = route(path, version, name);

  RecordedRequest recorded{name, std::string(request.method_string()), target, {}, request.body()};
  for (const auto& field : request) {
    recorded.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  log_request(recorded);  // qualys-sim --request-log only
  auto [number, fault] = admit(endpoint, name, std::move(recorded));

  Exchange ex{*this,
              stream,
              request,
              endpoint,
              path,
              parse_form(query),
              std::string(request[http::field::host]),
              version,
              fault,
              number};
  const auto content_type = request[http::field::content_type];
  if (!content_type.starts_with("application/json")) {
    for (auto& kv : parse_form(request.body())) ex.params.push_back(std::move(kv));
  }

  if (fault && fault->kind == FaultKind::reset_before_headers) {
    auto& socket = beast::get_lowest_layer(stream).socket();
    boost::system::error_code ec;
    socket.set_option(asio::socket_base::linger(true, 0), ec);
    socket.close(ec);
    throw ConnectionDropped{};
  }
  if (fault && fault->kind == FaultKind::hang) {
    // Say nothing; return when the client gives up (or the simulator stops).
    beast::get_lowest_layer(stream).expires_never();
    char sink[256];
    for (;;) {
      auto [ec, n] =
          co_await stream.async_read_some(asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
      if (ec) throw ConnectionDropped{};
    }
  }

  if (fault && fault->kind == FaultKind::endless_header) {
    // One header field as fast as the client takes it, until it gives up.
    std::string bytes = "HTTP/1.1 200 OK\r\nX-Endless: ";
    beast::get_lowest_layer(stream).expires_never();
    for (;;) {
      auto [ec, n] = co_await asio::async_write(stream, asio::buffer(bytes),
                                                asio::as_tuple(asio::use_awaitable));
      if (ec) throw ConnectionDropped{};
      bytes.assign(64 * 1024, 'h');
    }
  }

  if (path.ends_with(".dtd")) {
    // The DOCTYPEs point here: a client that fetches the DTD is counted (it must never do so).
    count(&Stats::dtd_fetches);
  }
  switch (endpoint) {
    case Endpoint::auth:
      co_await handle_auth(ex);
      break;
    case Endpoint::search:
      co_await handle_search(ex);
      break;
    case Endpoint::count:
      co_await handle_count(ex);
      break;
    case Endpoint::kb:
    case Endpoint::detection:
    case Endpoint::hostlist:
      co_await handle_v2(ex);
      break;
    case Endpoint::any: {
      auto writer = make_writer(ex);
      co_await writer.send(404, plain_headers("text/html"),
                           "<html><body><h1>404 Not Found</h1></body></html>\n");
      break;
    }
  }
  co_return keep_alive;
}

std::pair<std::uint64_t, std::optional<FaultRule>> SimulatorCore::admit(Endpoint endpoint,
                                                                        const std::string& name,
                                                                        RecordedRequest recorded) {
  std::lock_guard lock(mu_);
  ++stats_.requests[name];
  const std::uint64_t total = ++total_requests_;
  const std::uint64_t number = ++per_endpoint_[endpoint];
  if (recorded_.size() < options_.max_recorded_requests) recorded_.push_back(std::move(recorded));
  if (endpoint == Endpoint::any) return {number, std::nullopt};
  auto fault = faults_.match(endpoint, number, total);
  if (fault) ++stats_.faults_fired;
  return {number, fault};
}

void SimulatorCore::add_fault(FaultRule rule) {
  std::lock_guard lock(mu_);
  const std::uint64_t so_far =
      rule.endpoint == Endpoint::any ? total_requests_ : per_endpoint_[rule.endpoint];
  faults_.add(std::move(rule), so_far);
}

void SimulatorCore::clear_faults() {
  std::lock_guard lock(mu_);
  faults_.clear();
}

void SimulatorCore::count(std::uint64_t Stats::*field, std::uint64_t amount) {
  std::lock_guard lock(mu_);
  stats_.*field += amount;
}

Stats SimulatorCore::stats() const {
  std::lock_guard lock(mu_);
  Stats copy = stats_;
  copy.connections = server_->connections();
  copy.body_bytes_sent = body_bytes_;
  return copy;
}

std::vector<RecordedRequest> SimulatorCore::requests() const {
  std::lock_guard lock(mu_);
  return recorded_;
}

Headers SimulatorCore::rate_limit_headers(bool with_wait_and_remaining, std::int64_t to_wait) {
  std::lock_guard lock(mu_);
  const std::uint64_t calls = ++v2_calls_;
  Headers h = {{"x-ratelimit-limit", "300"},
               {"x-ratelimit-window-sec", "3600"},
               {"x-concurrency-limit-limit",
                std::to_string(options_.concurrency_limit > 0 ? options_.concurrency_limit : 1000)},
               {"x-concurrency-limit-running", std::to_string(running_v2)}};
  if (with_wait_and_remaining) {
    h.emplace_back("x-ratelimit-towait-sec", std::to_string(to_wait));
    // Counts down from 299 and starts over at 100, never near the client's rate_limit_reserve:
    // a long test (100 crash runs make thousands of calls) must not meet the daemon's spreading
    // pause by chance; the low-remaining fault asks for it on purpose.
    h.emplace_back(
        "x-ratelimit-remaining",
        std::to_string(to_wait > 0 ? 0 : 299 - static_cast<std::int64_t>((calls - 1) % 200)));
  }
  return h;
}

// ---- facade ----

Simulator::Simulator(boost::asio::any_io_executor executor, SimulatorOptions options,
                     const qi::testing::KeyPair& server_cert)
    : core_(std::make_shared<SimulatorCore>(executor, std::move(options), server_cert)) {}

Simulator::~Simulator() {
  core_->stop();
}

void Simulator::start() {
  core_->start();
}
boost::asio::awaitable<void> Simulator::run() {
  co_await core_->run();
}
void Simulator::stop() {
  core_->stop();
}
std::uint16_t Simulator::port() const {
  return core_->port();
}
const SimulatorOptions& Simulator::options() const {
  return core_->options();
}
void Simulator::add_fault(FaultRule rule) {
  core_->add_fault(std::move(rule));
}
void Simulator::clear_faults() {
  core_->clear_faults();
}
void Simulator::expire_all_tokens() {
  core_->expire_all_tokens();
}
Stats Simulator::stats() const {
  return core_->stats();
}
std::vector<RecordedRequest> Simulator::requests() const {
  return core_->requests();
}
DataSpec Simulator::data() const {
  return core_->data();
}
GenerationStep Simulator::mutate() {
  return core_->mutate();
}

std::string RecordedRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
  }
  return {};
}

}  // namespace qi::sim
