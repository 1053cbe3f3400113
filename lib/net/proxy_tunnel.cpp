#include "net/proxy_tunnel.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>
#include <stdexcept>

#include "common/error.hpp"
#include "net/form_encoding.hpp"
#include "net/origin.hpp"
#include "net/transport_error.hpp"

namespace qi::net {

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}  // namespace

ProxyConfig parse_proxy_url(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) throw std::invalid_argument("proxy URL is not a valid absolute URL");
  const boost::urls::url_view& u = *parsed;
  if (u.scheme_id() != boost::urls::scheme::http) {
    throw std::invalid_argument(
        "proxy URL must start with http:// (HTTPS is tunnelled with CONNECT)");
  }
  if (u.has_query() || u.has_fragment() || (!u.encoded_path().empty() && u.encoded_path() != "/")) {
    throw std::invalid_argument("proxy URL must be http://[user:password@]host:port");
  }
  ProxyConfig proxy;
  proxy.host = u.host_address();
  if (proxy.host.empty()) throw std::invalid_argument("proxy URL has no host");
  if (u.has_port()) {
    auto port = parse_port(u.port());
    if (!port) throw std::invalid_argument("proxy URL has an invalid port");
    proxy.port = *port;
  }
  if (u.has_userinfo()) proxy.authorization = basic_authorization(u.user(), u.password());
  return proxy;
}

asio::awaitable<void> open_tunnel(beast::tcp_stream& stream, const ProxyConfig& proxy,
                                  const Origin& origin, const HttpClientOptions& options,
                                  std::string_view where) {
  const std::string authority = connect_authority(origin);
  http::request<http::empty_body> request{http::verb::connect, authority, 11};
  request.set(http::field::host, authority);
  request.set(http::field::user_agent, options.user_agent);
  if (!proxy.authorization.empty()) {
    request.set(http::field::proxy_authorization, proxy.authorization);
  }
  stream.expires_after(options.write_timeout);
  if (auto [ec, n] = co_await http::async_write(stream, request, use_tuple); ec) {
    throw_transport_error(ec, "sending CONNECT to the proxy for", where);
  }

  // A 2xx answer to CONNECT has no body: the tunnel starts right after the head, so the parser
  // must not wait for one (skip) nor read past the head (not eager).
  http::response_parser<http::empty_body> parser;
  parser.skip(true);
  parser.eager(false);
  beast::flat_buffer buffer;
  stream.expires_after(options.connect_timeout);
  if (auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple); ec) {
    throw_transport_error(ec, "waiting for the proxy's CONNECT answer for", where);
  }
  stream.expires_never();

  const auto& response = parser.get();
  const unsigned status = response.result_int();
  if (status < 200 || status > 299) {
    const std::string message = "proxy refused CONNECT to " + authority + ": " +
                                std::to_string(status) + " " + std::string(response.reason());
    if (status >= 500) throw TransientError(message);
    throw FatalError(message);
  }
  if (buffer.size() != 0) {
    // The server speaks only after our ClientHello; bytes here mean a confused proxy.
    throw TransientError("proxy sent data after its CONNECT answer for " + std::string(where));
  }
}

}  // namespace qi::net
