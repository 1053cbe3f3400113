#include "tls_test_server.hpp"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>

namespace qi::net::testing {

namespace {

using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

asio::awaitable<void> serve(tcp::socket socket, asio::ssl::context& tls, int number,
                            std::shared_ptr<std::string> last_sni, TlsTestServer::Handler handler) {
  ServerStream stream(beast::tcp_stream(std::move(socket)), tls);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
  auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_tuple);
  if (ec) co_return;  // the client rejected our certificate: that is the test's point
  beast::get_lowest_layer(stream).expires_never();
  const char* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
  *last_sni = sni != nullptr ? sni : "";
  ServerConnection connection{stream, {}, number};
  try {
    co_await handler(connection);
  } catch (const std::exception&) {
    // The client went away mid-script (timeouts, caps, cancellation): expected in these tests.
  }
}

asio::awaitable<void> accept_loop(std::shared_ptr<tcp::acceptor> acceptor, asio::ssl::context& tls,
                                  std::shared_ptr<int> accepts,
                                  std::shared_ptr<std::string> last_sni,
                                  TlsTestServer::Handler handler) {
  for (;;) {
    auto [ec, socket] = co_await acceptor->async_accept(use_tuple);
    if (ec) co_return;
    const int number = ++*accepts;
    asio::co_spawn(acceptor->get_executor(),
                   serve(std::move(socket), tls, number, last_sni, handler), asio::detached);
  }
}

}  // namespace

TlsTestServer::TlsTestServer(asio::io_context& io, const qi::testing::KeyPair& certificate,
                             Handler handler)
    : tls_(asio::ssl::context::tls_server),
      acceptor_(std::make_shared<tcp::acceptor>(
          io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0))) {
  tls_.use_certificate_chain(asio::buffer(certificate.cert_pem));
  tls_.use_private_key(asio::buffer(certificate.key_pem), asio::ssl::context::pem);
  port_ = acceptor_->local_endpoint().port();
  asio::co_spawn(io, accept_loop(acceptor_, tls_, accepts_, last_sni_, std::move(handler)),
                 asio::detached);
}

TlsTestServer::~TlsTestServer() {
  boost::system::error_code ignored;
  acceptor_->close(ignored);
}

asio::awaitable<http::request<http::string_body>> read_request(ServerConnection& connection) {
  http::request<http::string_body> request;
  co_await http::async_read(connection.stream, connection.buffer, request, asio::use_awaitable);
  co_return request;
}

asio::awaitable<void> write_text(ServerConnection& connection, std::string text) {
  co_await asio::async_write(connection.stream, asio::buffer(text), asio::use_awaitable);
}

asio::awaitable<void> wait_for_client_close(ServerConnection& connection) {
  char byte = 0;
  for (;;) {
    auto [ec, n] = co_await connection.stream.async_read_some(asio::buffer(&byte, 1), use_tuple);
    if (ec) co_return;
  }
}

void reset_connection(ServerConnection& connection) {
  auto& socket = beast::get_lowest_layer(connection.stream).socket();
  boost::system::error_code ignored;
  socket.set_option(asio::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
}

std::string ok_response(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace qi::net::testing
