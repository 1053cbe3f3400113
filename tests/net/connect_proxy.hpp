// A tiny HTTP CONNECT proxy for the client tests: checks Proxy-Authorization, then either refuses
// with a fixed status or connects to the requested host:port and splices bytes both ways.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

namespace qi::net::testing {

class ConnectProxy {
 public:
  struct Record {
    int connects = 0;
    std::string target;         // the last CONNECT request target
    std::string authorization;  // the last Proxy-Authorization value
  };

  // refuse_status 0 tunnels when the authorization matches (407 otherwise); any other value is
  // sent as the answer to every CONNECT.
  ConnectProxy(boost::asio::io_context& io, std::string expected_authorization,
               unsigned refuse_status = 0);
  ~ConnectProxy();

  std::uint16_t port() const { return port_; }
  const Record& record() const { return *record_; }

 private:
  std::shared_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::shared_ptr<Record> record_ = std::make_shared<Record>();
  std::uint16_t port_ = 0;
};

}  // namespace qi::net::testing
