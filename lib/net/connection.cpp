#include "net/connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include "common/error.hpp"
#include "net/tls_context.hpp"
#include "net/transport_error.hpp"

namespace qi::net {

namespace {

using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// The resolver has no per-operation cancellation (getaddrinfo runs on a helper thread), so the
// deadline and the caller's cancellation both go through resolver.cancel(). The state is shared
// with the timer's handler, which may run after this coroutine has moved on.
struct ResolveState {
  explicit ResolveState(const asio::any_io_executor& executor)
      : resolver(executor), timer(executor) {}
  tcp::resolver resolver;
  asio::steady_timer timer;
  bool timed_out = false;
};

asio::awaitable<tcp::resolver::results_type> resolve(const std::string& host, std::uint16_t port,
                                                     const HttpClientOptions& options,
                                                     std::string_view step,
                                                     std::string_view where) {
  auto state = std::make_shared<ResolveState>(co_await asio::this_coro::executor);
  std::weak_ptr<ResolveState> weak = state;
  state->timer.expires_after(options.resolve_timeout);
  state->timer.async_wait([weak](boost::system::error_code ec) {
    if (auto s = weak.lock(); s && !ec) {
      s->timed_out = true;
      s->resolver.cancel();
    }
  });
  auto slot = (co_await asio::this_coro::cancellation_state).slot();
  if (slot.is_connected()) {
    slot.assign([weak](asio::cancellation_type) {
      if (auto s = weak.lock()) s->resolver.cancel();
    });
  }
  auto [ec, results] =
      co_await state->resolver.async_resolve(host, std::to_string(port), use_tuple);
  if (slot.is_connected()) slot.clear();
  state->timer.cancel();
  if (state->timed_out)
    throw TransientError("timed out " + std::string(step) + " " + std::string(where));
  if (ec) throw_transport_error(ec, step, where);
  co_return results;
}

}  // namespace

asio::awaitable<std::unique_ptr<Connection>> open_connection(
    asio::ssl::context& tls, const Origin& origin, const std::optional<ProxyConfig>& proxy,
    const HttpClientOptions& options, std::string where) {
  auto connection = std::make_unique<Connection>(co_await asio::this_coro::executor, tls);
  beast::tcp_stream& tcp_stream = beast::get_lowest_layer(connection->stream);

  if (proxy) {
    auto endpoints =
        co_await resolve(proxy->host, proxy->port, options, "resolving the proxy for", where);
    tcp_stream.expires_after(options.connect_timeout);
    if (auto [ec, ep] = co_await tcp_stream.async_connect(endpoints, use_tuple); ec) {
      throw_transport_error(ec, "connecting to the proxy for", where);
    }
    co_await open_tunnel(tcp_stream, *proxy, origin, options, where);
  } else {
    auto endpoints = co_await resolve(origin.host, origin.port, options, "resolving", where);
    tcp_stream.expires_after(options.connect_timeout);
    if (auto [ec, ep] = co_await tcp_stream.async_connect(endpoints, use_tuple); ec) {
      throw_transport_error(ec, "connecting to", where);
    }
  }
  tcp_stream.socket().set_option(tcp::no_delay(true));

  prepare_tls_client(connection->stream.native_handle(), origin.host);
  tcp_stream.expires_after(options.handshake_timeout);
  auto [ec] =
      co_await connection->stream.async_handshake(asio::ssl::stream_base::client, use_tuple);
  if (ec) {
    if (auto reason = tls_verify_failure(connection->stream.native_handle())) {
      throw FatalError("TLS certificate verification failed for " + origin.host + ": " + *reason);
    }
    throw_transport_error(ec, "in the TLS handshake with", where);
  }
  tcp_stream.expires_never();
  co_return connection;
}

}  // namespace qi::net
