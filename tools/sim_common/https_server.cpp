#include "sim_common/https_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/ssl.hpp>

namespace qi::sim_common {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr auto kHandshakeTimeout = std::chrono::seconds(30);
constexpr auto kIdleTimeout = std::chrono::seconds(300);
constexpr std::uint32_t kHeaderLimit = 64 * 1024;

asio::ssl::context server_tls(const qi::testing::KeyPair& cert) {
  asio::ssl::context tls(asio::ssl::context::tls_server);
  tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                  asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                  asio::ssl::context::no_tlsv1_1);
  tls.use_certificate_chain(asio::buffer(cert.cert_pem));
  tls.use_private_key(asio::buffer(cert.key_pem), asio::ssl::context::pem);
  return tls;
}

}  // namespace

HttpsServer::HttpsServer(asio::any_io_executor executor, const HttpsServerOptions& options,
                         const qi::testing::KeyPair& server_cert)
    : executor_(executor),
      max_body_bytes_(options.max_body_bytes),
      tls_(server_tls(server_cert)),
      acceptor_(executor, {asio::ip::make_address(options.bind_address), options.port}) {
  port_ = acceptor_.local_endpoint().port();
}

void HttpsServer::start() {
  asio::co_spawn(
      executor_, [self = shared_from_this()] { return self->run(); }, asio::detached);
}

void HttpsServer::stop() {
  asio::post(executor_, [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    for (const auto& weak : self->streams_) {
      if (const auto stream = weak.lock()) {
        beast::get_lowest_layer(*stream).socket().close(ignored);
      }
    }
    self->streams_.clear();
  });
}

asio::awaitable<void> HttpsServer::run() {
  const auto self = shared_from_this();
  while (acceptor_.is_open()) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted) break;
    if (!ec) {
      asio::co_spawn(executor_, session(std::move(socket)), asio::detached);
      continue;
    }
    // Out of descriptors under a connection storm, say: let the open ones finish first.
    asio::steady_timer pause(executor_, std::chrono::milliseconds(50));
    co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> HttpsServer::session(asio::ip::tcp::socket socket) {
  const auto self = shared_from_this();
  ++connections_;
  boost::system::error_code ignored;
  // Without it each small last write waits for the client's delayed ACK (~40 ms on loopback).
  socket.set_option(asio::ip::tcp::no_delay(true), ignored);
  const auto stream = std::make_shared<Stream>(std::move(socket), tls_);
  streams_.remove_if([](const auto& weak) { return weak.expired(); });
  streams_.push_back(stream);
  auto& tcp = beast::get_lowest_layer(*stream);
  try {
    tcp.expires_after(kHandshakeTimeout);
    auto [handshake] = co_await stream->async_handshake(asio::ssl::stream_base::server,
                                                        asio::as_tuple(asio::use_awaitable));
    if (handshake) co_return;
    beast::flat_buffer buffer;
    bool keep_going = true;
    while (keep_going) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(kHeaderLimit);
      parser.body_limit(max_body_bytes_);
      tcp.expires_after(kIdleTimeout);
      auto [ec, n] =
          co_await http::async_read(*stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
      if (ec == http::error::body_limit && refuse_body_) {
        co_await refuse_body_(*stream);
        break;
      }
      if (ec) co_return;
      keep_going = co_await serve_(*stream, parser.get());
    }
    tcp.expires_after(std::chrono::seconds(5));
    co_await stream->async_shutdown(asio::as_tuple(asio::use_awaitable));
  } catch (const ConnectionDropped&) {
    // A reset fault: the connection is gone on purpose.
  } catch (const std::exception&) {
    // The client went away mid-response or a timeout fired: nothing to report.
  }
}

}  // namespace qi::sim_common
