// The loopback HTTPS/1.1 server both simulators run, with nothing Qualys- or Assets-specific in
// it: TLS from a test-CA key pair, the accept loop, one coroutine per connection with keep-alive,
// a header and a body cap, every connection closed on stop(). What to answer is the owner's: the
// Serve callback (set before start) writes the response and says whether to keep the connection.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <functional>
#include <list>
#include <memory>
#include <string>

#include "pki/test_pki.hpp"

namespace qi::sim_common {

using Stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
using Request = boost::beast::http::request<boost::beast::http::string_body>;

// Thrown by a response writer after it reset the connection on purpose: the session ends.
struct ConnectionDropped {};

struct HttpsServerOptions {
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 0;
  std::size_t max_body_bytes = 8 << 20;
};

class HttpsServer : public std::enable_shared_from_this<HttpsServer> {
 public:
  using Serve = std::function<boost::asio::awaitable<bool>(Stream&, const Request&)>;
  // Answers a request whose body is over max_body_bytes; the connection closes after it.
  using RefuseBody = std::function<boost::asio::awaitable<void>(Stream&)>;

  // Binds and listens at once, so port() is valid before start().
  HttpsServer(boost::asio::any_io_executor executor, const HttpsServerOptions& options,
              const qi::testing::KeyPair& server_cert);

  void set_serve(Serve serve) { serve_ = std::move(serve); }  // before start()
  // Before start(); without one, an oversized request closes the connection unanswered.
  void set_refuse_body(RefuseBody refuse) { refuse_body_ = std::move(refuse); }
  std::uint16_t port() const { return port_; }
  std::uint64_t connections() const { return connections_; }
  void start();                        // the accept loop, detached
  boost::asio::awaitable<void> run();  // the accept loop, until stop()
  void stop();                         // thread-safe

 private:
  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);

  boost::asio::any_io_executor executor_;
  std::size_t max_body_bytes_;
  boost::asio::ssl::context tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  Serve serve_;
  RefuseBody refuse_body_;
  std::list<std::weak_ptr<Stream>> streams_;  // executor thread only
  std::atomic<std::uint64_t> connections_{0};
};

// A coroutine of its own, so the shared_ptr lives in its frame for the whole request.
template <class Owner>
boost::asio::awaitable<bool> serve_if_alive(std::shared_ptr<Owner> owner, Stream& stream,
                                            const Request& request) {
  if (!owner) co_return false;
  co_return co_await owner->serve(stream, request);
}

// The Serve callback of an owner that holds its server: `owner->serve(stream, request)` while the
// owner lives, without the server keeping it alive.
template <class Owner>
HttpsServer::Serve serve_while_alive(const std::shared_ptr<Owner>& owner) {
  return [weak = std::weak_ptr<Owner>(owner)](Stream& stream, const Request& request) {
    return serve_if_alive(weak.lock(), stream, request);
  };
}

}  // namespace qi::sim_common
