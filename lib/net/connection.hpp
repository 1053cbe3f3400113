// One verified TLS connection to an Origin (directly or through a CONNECT tunnel), owned by
// exactly one request at a time: by HttpsClient::send while in use, by the ConnectionPool while
// idle. Destroying it closes the socket.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <memory>
#include <optional>
#include <string>

#include "net/http_client.hpp"
#include "net/proxy_tunnel.hpp"

namespace qi::net {

struct Connection {
  Connection(const asio::any_io_executor& executor, asio::ssl::context& tls)
      : stream(executor, tls) {}

  beast::ssl_stream<beast::tcp_stream> stream;
  beast::flat_buffer buffer;  // bytes read past the previous response's parser, if any
};

// Resolves, connects (through the proxy when given) and completes a verified TLS handshake, each
// step under its own timeout from options. Throws TransientError for network failures and
// timeouts, FatalError "TLS certificate verification failed for <host>: <reason>" when the peer
// certificate does not verify, system_error(operation_aborted) when cancelled.
asio::awaitable<std::unique_ptr<Connection>> open_connection(
    asio::ssl::context& tls, const Origin& origin, const std::optional<ProxyConfig>& proxy,
    const HttpClientOptions& options, std::string where);

}  // namespace qi::net
