// HTTPS through an HTTP proxy: a CONNECT tunnel (RFC 9110 §9.3.6) opened on the TCP stream before
// the TLS handshake, so the proxy sees only the host and port, never the request.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/http_client.hpp"

namespace qi::net {

namespace beast = boost::beast;

struct ProxyConfig {
  std::string host;
  std::uint16_t port = 80;
  // "Basic ..." from the URL's percent-decoded userinfo; empty without one. A secret: never logged.
  std::string authorization;
};

// Parses "http://[user[:password]@]host[:port][/]". Throws std::invalid_argument whose message
// never repeats the userinfo.
ProxyConfig parse_proxy_url(std::string_view url);

// Sends CONNECT for origin on a stream already connected to the proxy and reads the proxy's
// answer head. Non-2xx: FatalError "proxy refused CONNECT to host:port: <status>" (5xx, the proxy
// failing to reach Qualys, is a TransientError with the same text). Transport failures and
// timeouts (write_timeout, then connect_timeout for the answer) go through throw_transport_error.
asio::awaitable<void> open_tunnel(beast::tcp_stream& stream, const ProxyConfig& proxy,
                                  const Origin& origin, const HttpClientOptions& options,
                                  std::string_view where);

}  // namespace qi::net
