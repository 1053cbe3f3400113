// The production HttpClient: HTTP/1.1 over verified TLS (Boost.Beast + OpenSSL), optionally
// through an HTTP CONNECT proxy, with idle keep-alive connections reused per Origin.
// Owned by the daemon's wiring; used from coroutines on one io_context thread (any number of
// concurrent send() calls; each gets its own connection).
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <optional>

#include "net/connection_pool.hpp"
#include "net/http_client.hpp"
#include "net/proxy_tunnel.hpp"

namespace qi::net {

class HttpsClient final : public HttpClient {
 public:
  // Throws qi::FatalError when options.ca_file cannot be loaded and std::invalid_argument when
  // options.proxy_url is malformed.
  HttpsClient(asio::any_io_executor executor, HttpClientOptions options);
  ~HttpsClient() override;

  asio::awaitable<void> send(const HttpRequest& request, ResponseSink& sink) override;

  // Idle keep-alive connections currently kept for origin (for tests and diagnostics).
  std::size_t idle_connections(const Origin& origin) const;

 private:
  asio::any_io_executor executor_;
  HttpClientOptions options_;
  asio::ssl::context tls_;
  std::optional<ProxyConfig> proxy_;
  ConnectionPool pool_;
};

std::unique_ptr<HttpClient> make_https_client(asio::any_io_executor executor,
                                              HttpClientOptions options);

}  // namespace qi::net
