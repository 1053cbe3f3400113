#include "net_test_helpers.hpp"

#include <boost/asio/co_spawn.hpp>
#include <exception>
#include <stdexcept>
#include <utility>

namespace qi::net::testing {

void run(asio::io_context& io, asio::awaitable<void> aw, std::chrono::milliseconds limit) {
  bool done = false;
  std::exception_ptr error;
  asio::co_spawn(io, std::move(aw), [&](std::exception_ptr e) {
    error = std::move(e);
    done = true;
    io.stop();
  });
  io.restart();
  io.run_for(limit);
  if (!done) throw std::runtime_error("test coroutine did not finish in time");
  if (error) std::rethrow_exception(error);
}

NetTest::NetTest()
    : pki_(qi::testing::TestPki::create()), leaf_(pki_.issue({"127.0.0.1", "localhost"})) {
  pki_.write_ca_pem(dir_.path() / "ca.pem");
}

HttpClientOptions NetTest::options() const {
  HttpClientOptions o;
  o.ca_file = (dir_.path() / "ca.pem").string();
  o.resolve_timeout = std::chrono::seconds(5);
  o.connect_timeout = std::chrono::seconds(5);
  o.handshake_timeout = std::chrono::seconds(5);
  o.write_timeout = std::chrono::seconds(5);
  o.idle_read_timeout = std::chrono::seconds(5);
  return o;
}

HttpRequest NetTest::get(const Origin& origin, const std::string& target) const {
  HttpRequest request;
  request.method = http::verb::get;
  request.origin = origin;
  request.target = target;
  return request;
}

}  // namespace qi::net::testing
