// A loopback HTTPS/1.1 server core with nothing Assets-specific in it: TLS from a test-CA key
// pair, the accept loop, one coroutine per connection with keep-alive, a header and body cap
// (a larger body gets 413 and the connection closes), every connection closed on stop(). What to
// answer is the owner's: the Serve callback (set before start) writes the response and says whether
// to keep the connection. (qualys-sim has the same loop inside its SimulatorCore; it could move
// onto this.)
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <functional>
#include <list>
#include <memory>

#include "pki/test_pki.hpp"
#include "qualys_sim/core.hpp"

namespace qi::assets_sim {

struct HttpsServerOptions {
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 0;
  std::size_t max_body_bytes = 8 << 20;
};

class HttpsServer : public std::enable_shared_from_this<HttpsServer> {
 public:
  using Serve =
      std::function<boost::asio::awaitable<bool>(qi::sim::Stream&, const qi::sim::Request&)>;

  // Binds and listens at once, so port() is valid before start().
  HttpsServer(boost::asio::any_io_executor executor, const HttpsServerOptions& options,
              const qi::testing::KeyPair& server_cert);

  void set_serve(Serve serve) { serve_ = std::move(serve); }  // before start()
  std::uint16_t port() const { return port_; }
  std::uint64_t connections() const { return connections_; }
  void start();
  void stop();  // thread-safe

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);

  boost::asio::any_io_executor executor_;
  std::size_t max_body_bytes_;
  boost::asio::ssl::context tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  Serve serve_;
  std::list<std::weak_ptr<qi::sim::Stream>> streams_;  // executor thread only
  std::atomic<std::uint64_t> connections_{0};
};

}  // namespace qi::assets_sim
