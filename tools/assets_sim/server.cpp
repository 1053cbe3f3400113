// The server: accept loop, one coroutine per connection (HTTP/1.1 keep-alive), the body cap,
// faults applied before the handlers, and the public AssetsSimulator facade.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/ssl.hpp>

#include "assets_sim/core.hpp"
#include "qualys_sim/request_log.hpp"

namespace qi::assets_sim {

AssetsCore::AssetsCore(asio::any_io_executor executor, AssetsSimOptions options,
                       const qi::testing::KeyPair& server_cert)
    : executor_(executor),
      options_(std::move(options)),
      tls_(asio::ssl::context::tls_server),
      acceptor_(executor),
      dc_(options_.dc, DcClock::now()),
      cloud_(options_.cloud),
      window_start_(std::chrono::steady_clock::now()) {
  tls_.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1);
  tls_.use_certificate_chain(asio::buffer(server_cert.cert_pem));
  tls_.use_private_key(asio::buffer(server_cert.key_pem), asio::ssl::context::pem);
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(options_.bind_address),
                                         options_.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

void AssetsCore::start() {
  asio::co_spawn(
      executor_, [self = shared_from_this()] { return self->accept_loop(); }, asio::detached);
}

void AssetsCore::stop() {
  asio::post(executor_, [self = shared_from_this()] {
    boost::system::error_code ec;
    self->acceptor_.close(ec);
    for (auto& weak : self->streams_) {
      if (auto stream = weak.lock()) beast::get_lowest_layer(*stream).socket().close(ec);
    }
    self->streams_.clear();
  });
}

asio::awaitable<void> AssetsCore::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
    if (ec) {
      // e.g. EMFILE under a connection storm: pause briefly, keep serving the others.
      asio::steady_timer pause(executor_, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    asio::co_spawn(executor_, session(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> AssetsCore::session(asio::ip::tcp::socket socket) {
  auto self = shared_from_this();
  boost::system::error_code nodelay_ec;
  socket.set_option(asio::ip::tcp::no_delay(true), nodelay_ec);
  auto stream = std::make_shared<Stream>(std::move(socket), tls_);
  streams_.remove_if([](const std::weak_ptr<Stream>& w) { return w.expired(); });
  streams_.push_back(stream);
  count(&Stats::connections);
  try {
    beast::get_lowest_layer(*stream).expires_after(std::chrono::seconds(30));
    auto [hs] = co_await stream->async_handshake(asio::ssl::stream_base::server,
                                                 asio::as_tuple(asio::use_awaitable));
    if (hs) co_return;
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(64 * 1024);
      parser.body_limit(options_.max_body_bytes);
      beast::get_lowest_layer(*stream).expires_after(std::chrono::seconds(300));
      auto [ec, n] =
          co_await http::async_read(*stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
      if (ec == http::error::body_limit) {
        std::atomic<std::uint64_t> bytes{0};
        qi::sim::ResponseWriter writer(*stream, {}, {}, bytes);
        writer.set_keep_alive(false);
        const Headers json = {{"Content-Type", "application/json;charset=UTF-8"}};
        co_await writer.send(
            413, json,
            error_messages_json("The request body is larger than " +
                                std::to_string(options_.max_body_bytes) + " bytes"));
        break;
      }
      if (ec) co_return;
      if (!co_await serve(*stream, parser.get())) break;
    }
    beast::get_lowest_layer(*stream).expires_after(std::chrono::seconds(5));
    co_await stream->async_shutdown(asio::as_tuple(asio::use_awaitable));
  } catch (const qi::sim::ConnectionDropped&) {
  } catch (const std::exception&) {
    // The client went away mid-response or a timeout fired: nothing to report.
  }
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
  return stats_;
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
