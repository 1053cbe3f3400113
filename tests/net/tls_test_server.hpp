// A loopback HTTPS server for the client tests: accepts TLS connections with a certificate from
// TestPki and hands each one to the test's coroutine, which plays the server's part byte by byte
// (chunking, dripping, closing, resetting). Runs on the test's io_context.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <functional>
#include <memory>
#include <string>

#include "net/http_client.hpp"
#include "pki/test_pki.hpp"

namespace qi::net::testing {

namespace beast = boost::beast;
using ServerStream = beast::ssl_stream<beast::tcp_stream>;

// State one test connection's handler works with.
struct ServerConnection {
  ServerStream& stream;
  beast::flat_buffer buffer;
  int number = 0;  // 1 for the first accepted connection
};

class TlsTestServer {
 public:
  using Handler = std::function<asio::awaitable<void>(ServerConnection&)>;

  TlsTestServer(asio::io_context& io, const qi::testing::KeyPair& certificate, Handler handler);
  ~TlsTestServer();

  std::uint16_t port() const { return port_; }
  Origin origin(const std::string& host = "127.0.0.1") const { return Origin{host, port_}; }
  int accepts() const { return *accepts_; }
  // The SNI name the last client sent ("" when none).
  const std::string& last_sni() const { return *last_sni_; }

 private:
  asio::ssl::context tls_;
  std::shared_ptr<asio::ip::tcp::acceptor> acceptor_;
  std::shared_ptr<int> accepts_ = std::make_shared<int>(0);
  std::shared_ptr<std::string> last_sni_ = std::make_shared<std::string>();
  std::uint16_t port_ = 0;
};

// Server-side helpers for handlers.
asio::awaitable<http::request<http::string_body>> read_request(ServerConnection& connection);
asio::awaitable<void> write_text(ServerConnection& connection, std::string text);
// Waits until the client closes (or resets) the connection.
asio::awaitable<void> wait_for_client_close(ServerConnection& connection);
// Closes with SO_LINGER 0, so the client sees a TCP reset.
void reset_connection(ServerConnection& connection);
// A keep-alive response with Content-Length.
std::string ok_response(const std::string& body);

}  // namespace qi::net::testing
