// HTTPS through a CONNECT proxy, and per-operation cancellation of a hung request.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include "common/error.hpp"
#include "connect_proxy.hpp"
#include "net/form_encoding.hpp"
#include "net/https_client.hpp"
#include "net_test_helpers.hpp"
#include "tls_test_server.hpp"

namespace qi::net::testing {
namespace {

using namespace std::chrono_literals;
using ProxyTest = NetTest;
using CancellationTest = NetTest;

asio::awaitable<void> answer_once(ServerConnection& c) {
  co_await read_request(c);
  co_await write_text(c, ok_response("through the tunnel"));
  co_await wait_for_client_close(c);
}

TEST_F(ProxyTest, TunnelsThroughAConnectProxyWithPercentDecodedCredentials) {
  TlsTestServer server(io_, leaf_, answer_once);
  ConnectProxy proxy(io_, basic_authorization("corp\\us@er", "p:ss w%rd"));
  auto o = options();
  o.proxy_url = "http://corp%5Cus%40er:p%3Ass%20w%25rd@127.0.0.1:" + std::to_string(proxy.port());
  HttpsClient client(io_.get_executor(), o);
  RecordingSink sink;
  auto request = get(server.origin());
  run(io_, client.send(request, sink));
  EXPECT_EQ(sink.body(), "through the tunnel");
  EXPECT_EQ(proxy.record().connects, 1);
  EXPECT_EQ(proxy.record().target, "127.0.0.1:" + std::to_string(server.port()));
}

TEST_F(ProxyTest, ReportsAProxyRefusalAsFatalWithoutThePassword) {
  TlsTestServer server(io_, leaf_, answer_once);
  ConnectProxy proxy(io_, "", 403);
  auto o = options();
  o.proxy_url = "http://user:s3cret-pw@127.0.0.1:" + std::to_string(proxy.port());
  HttpsClient client(io_.get_executor(), o);
  RecordingSink sink;
  auto request = get(server.origin());
  const auto message = message_of<FatalError>([&] { run(io_, client.send(request, sink)); });
  EXPECT_EQ(message.rfind(
                "proxy refused CONNECT to 127.0.0.1:" + std::to_string(server.port()) + ": 403", 0),
            0u)
      << message;
  EXPECT_EQ(message.find("s3cret-pw"), std::string::npos);
  EXPECT_EQ(server.accepts(), 0);
}

TEST_F(ProxyTest, ReportsAProxyGatewayFailureAsTransient) {
  // 502/503/504 from the proxy mean it could not reach Qualys right now: worth a retry.
  TlsTestServer server(io_, leaf_, answer_once);
  ConnectProxy proxy(io_, "", 502);
  auto o = options();
  o.proxy_url = "http://127.0.0.1:" + std::to_string(proxy.port());
  HttpsClient client(io_.get_executor(), o);
  RecordingSink sink;
  auto request = get(server.origin());
  const auto message = message_of<TransientError>([&] { run(io_, client.send(request, sink)); });
  EXPECT_NE(message.find("proxy refused CONNECT to 127.0.0.1:"), std::string::npos) << message;
  EXPECT_EQ(proxy.record().authorization, "");
}

TEST_F(ProxyTest, ReportsWrongProxyCredentialsAsFatal) {
  TlsTestServer server(io_, leaf_, answer_once);
  ConnectProxy proxy(io_, basic_authorization("user", "right"));
  auto o = options();
  o.proxy_url = "http://user:wrong@127.0.0.1:" + std::to_string(proxy.port());
  HttpsClient client(io_.get_executor(), o);
  RecordingSink sink;
  auto request = get(server.origin());
  const auto message = message_of<FatalError>([&] { run(io_, client.send(request, sink)); });
  EXPECT_NE(message.find(": 407"), std::string::npos) << message;
}

// A server that never answers; `closed` fires once the client has closed the connection.
struct HungServer {
  HungServer(asio::io_context& io, const qi::testing::KeyPair& leaf)
      : closed(io, asio::steady_timer::time_point::max()),
        server(io, leaf, [this](ServerConnection& c) -> asio::awaitable<void> {
          co_await read_request(c);
          co_await wait_for_client_close(c);
          closed.cancel();
        }) {}
  asio::steady_timer closed;
  TlsTestServer server;
};

// Waits (with a deadline) for the server to see the client's socket close.
asio::awaitable<bool> server_saw_close(asio::steady_timer& closed) {
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer deadline(co_await asio::this_coro::executor, 5s);
  auto result = co_await (closed.async_wait(asio::as_tuple(asio::use_awaitable)) ||
                          deadline.async_wait(asio::use_awaitable));
  co_return result.index() == 0;
}

TEST_F(CancellationTest, AwaitableOrWithATimerStopsAHungRequestAndClosesTheSocket) {
  HungServer hung(io_, leaf_);
  HttpsClient client(io_.get_executor(), options());  // idle timeout 5 s: far beyond the wait
  RecordingSink sink;
  auto request = get(hung.server.origin());
  bool timer_won = false;
  bool closed = false;
  const auto start = std::chrono::steady_clock::now();
  run(io_, [&]() -> asio::awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    asio::steady_timer timer(co_await asio::this_coro::executor, 200ms);
    auto result = co_await (client.send(request, sink) || timer.async_wait(asio::use_awaitable));
    timer_won = result.index() == 1;
    closed = co_await server_saw_close(hung.closed);
  }());
  EXPECT_TRUE(timer_won);
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(client.idle_connections(hung.server.origin()), 0u);
}

TEST_F(CancellationTest, ACancellationSignalAbortsAHungRequest) {
  HungServer hung(io_, leaf_);
  HttpsClient client(io_.get_executor(), options());
  RecordingSink sink;
  auto request = get(hung.server.origin());
  asio::cancellation_signal signal;
  std::exception_ptr outcome;
  bool finished = false;
  bool closed = false;
  run(io_, [&]() -> asio::awaitable<void> {
    auto executor = co_await asio::this_coro::executor;
    asio::co_spawn(executor, client.send(request, sink),
                   asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e) {
                     outcome = std::move(e);
                     finished = true;
                   }));
    asio::steady_timer timer(executor, 200ms);
    co_await timer.async_wait(asio::use_awaitable);
    signal.emit(asio::cancellation_type::terminal);
    closed = co_await server_saw_close(hung.closed);
  }());
  ASSERT_TRUE(finished);
  EXPECT_TRUE(closed);
  ASSERT_TRUE(outcome) << "a cancelled request must not complete normally";
  try {
    std::rethrow_exception(outcome);
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), asio::error::operation_aborted);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "unexpected exception: " << e.what();
  }
}

}  // namespace
}  // namespace qi::net::testing
