#include "net/https_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/http/error.hpp>

#include "common/error.hpp"
#include "net/connection.hpp"
#include "net/exchange.hpp"
#include "net/origin.hpp"
#include "net/tls_context.hpp"
#include "net/transport_error.hpp"

namespace qi::net {

namespace {

std::optional<ProxyConfig> proxy_from(const HttpClientOptions& options) {
  if (options.proxy_url.empty()) return std::nullopt;
  return parse_proxy_url(options.proxy_url);
}

[[noreturn]] void throw_exchange_failure(const ExchangeResult& result,
                                         const HttpClientOptions& options, std::string_view where) {
  if (result.ec == http::error::body_limit) {
    throw FatalError("response body exceeds " + std::to_string(options.max_body_bytes) +
                     " bytes: " + std::string(where));
  }
  if (result.ec == http::error::header_limit) {
    throw FatalError(std::string(result.step) + " " + std::string(where) + " is longer than " +
                     std::to_string(kHeaderLimitBytes) + " bytes (the limit for " +
                     result.limit_of + ")");
  }
  throw_transport_error(result.ec, result.step, where);
}

}  // namespace

HttpsClient::HttpsClient(asio::any_io_executor executor, HttpClientOptions options)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      tls_(make_tls_context(options_)),
      proxy_(proxy_from(options_)),
      pool_(options_.max_idle_connections_per_origin) {}

HttpsClient::~HttpsClient() = default;

asio::awaitable<void> HttpsClient::send(const HttpRequest& request, ResponseSink& sink) {
  const std::string where = describe_target(request.origin, request.target);

  if (auto reused = pool_.take(request.origin)) {
    ExchangeResult result = co_await exchange(*reused, request, sink, options_);
    if (!result.ec) {
      if (result.reusable) pool_.put(request.origin, std::move(reused));
      co_return;
    }
    reused.reset();
    // A keep-alive connection the server closed while it sat idle fails before any response
    // byte; the request never reached the application, so it is retried once on a fresh one.
    if (result.response_started || !is_closed_connection_error(result.ec)) {
      throw_exchange_failure(result, options_, where);
    }
  }

  auto connection = co_await open_connection(tls_, request.origin, proxy_, options_, where);
  ExchangeResult result = co_await exchange(*connection, request, sink, options_);
  if (result.ec) {
    connection.reset();  // closes the socket before the error leaves
    throw_exchange_failure(result, options_, where);
  }
  if (result.reusable) pool_.put(request.origin, std::move(connection));
}

std::size_t HttpsClient::idle_connections(const Origin& origin) const {
  return pool_.idle_count(origin);
}

std::unique_ptr<HttpClient> make_https_client(asio::any_io_executor executor,
                                              HttpClientOptions options) {
  return std::make_unique<HttpsClient>(std::move(executor), std::move(options));
}

}  // namespace qi::net
