#include "sim_common/https_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>

namespace qi::sim_common {
namespace {

namespace asio = boost::asio;

std::shared_ptr<HttpsServer> make_server(asio::io_context& io) {
  static const auto pki = qi::testing::TestPki::create("sim_common test CA");
  return std::make_shared<HttpsServer>(io.get_executor(), HttpsServerOptions{},
                                       pki.issue({"localhost"}));
}

TEST(HttpsServer, ListensOnAPortBeforeItStarts) {
  asio::io_context io;
  const auto server = make_server(io);
  EXPECT_NE(server->port(), 0);
}

TEST(HttpsServer, CountsEachConnectionAndClosesItOnStop) {
  asio::io_context io;
  const auto server = make_server(io);
  server->start();
  asio::ip::tcp::socket client(io);
  client.connect({asio::ip::make_address("127.0.0.1"), server->port()});
  while (server->connections() == 0 && io.run_one_for(std::chrono::seconds(5)) > 0) {
  }
  EXPECT_EQ(server->connections(), 1u);
  server->stop();
  io.run_for(std::chrono::seconds(5));
  char byte = 0;
  boost::system::error_code ec;
  client.read_some(asio::buffer(&byte, 1), ec);
  EXPECT_TRUE(ec);  // closed by the server: end of file or reset
}

TEST(HttpsServer, RunReturnsAfterStop) {
  asio::io_context io;
  const auto server = make_server(io);
  bool finished = false;
  asio::co_spawn(io, server->run(), [&](std::exception_ptr) { finished = true; });
  io.poll();
  server->stop();
  while (!finished && io.run_one_for(std::chrono::seconds(5)) > 0) {
  }
  EXPECT_TRUE(finished);
}

}  // namespace
}  // namespace qi::sim_common
