// How the HTTPS client fails: timeouts, body cap, connections that end early, refused
// connections, and error messages that keep the query string out.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/error.hpp"
#include "net/https_client.hpp"
#include "net_test_helpers.hpp"
#include "tls_test_server.hpp"

namespace qi::net::testing {
namespace {

using HttpsClientFailureTest = NetTest;
using namespace std::chrono_literals;

TEST_F(HttpsClientFailureTest, TimesOutWhenTheServerStaysSilent) {
  TlsTestServer server(io_, leaf_, [](ServerConnection& c) -> asio::awaitable<void> {
    co_await read_request(c);
    co_await wait_for_client_close(c);
  });
  auto o = options();
  o.idle_read_timeout = 200ms;
  HttpsClient client(io_.get_executor(), o);
  RecordingSink sink;
  auto request = get(server.origin(), "/api/2.0/fo/asset/host/vm/detection/");
  const auto message = message_of<TransientError>([&] { run(io_, client.send(request, sink)); });
  EXPECT_EQ(message, "timed out waiting for the response from 127.0.0.1:" +
                         std::to_string(server.port()) + "/api/2.0/fo/asset/host/vm/detection/");
  EXPECT_EQ(sink.heads(), 0);
}

TEST_F(HttpsClientFailureTest, TimesOutWhenTheBodyStopsArriving) {
  TlsTestServer server(io_, leaf_, [](ServerConnection& c) -> asio::awaitable<void> {
    co_await read_request(c);
    co_await write_text(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome");
    co_await wait_for_client_close(c);
  });
  auto o = options();
  o.idle_read_timeout = 200ms;
  HttpsClient client(io_.get_executor(), o);
  RecordingSink sink;
  auto request = get(server.origin());
  const auto message = message_of<TransientError>([&] { run(io_, client.send(request, sink)); });
  EXPECT_NE(message.find("timed out reading the response body from 127.0.0.1"), std::string::npos)
      << message;
  EXPECT_EQ(sink.body(), "some");
}

TEST_F(HttpsClientFailureTest, TimesOutSendingToAServerThatStopsReading) {
  // 32 MiB is far more than loopback socket buffers hold once the server stops reading.
  TlsTestServer server(io_, leaf_, [](ServerConnection& c) -> asio::awaitable<void> {
    asio::steady_timer never(co_await asio::this_coro::executor,
                             asio::steady_timer::time_point::max());
    co_await never.async_wait(asio::as_tuple(asio::use_awaitable));
    (void)c;
  });
  auto o = options();
  o.write_timeout = 300ms;
  HttpsClient client(io_.get_executor(), o);
  RecordingSink sink;
  auto request = get(server.origin(), "/api/2.0/fo/asset/host/");
  request.method = http::verb::post;
  request.content_type = "application/x-www-form-urlencoded";
  request.body.assign(32u << 20, 'x');
  const auto message = message_of<TransientError>([&] { run(io_, client.send(request, sink)); });
  EXPECT_EQ(message, "timed out sending the request to 127.0.0.1:" + std::to_string(server.port()) +
                         "/api/2.0/fo/asset/host/");
}

TEST_F(HttpsClientFailureTest, KeepsReadingABodyThatDripsFasterThanTheIdleTimeout) {
  // 12 bytes, one every 50 ms: 600 ms in all, twice the idle timeout, never 300 ms silent.
  TlsTestServer server(io_, leaf_, [](ServerConnection& c) -> asio::awaitable<void> {
    co_await read_request(c);
    co_await write_text(c, "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n");
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (char byte : std::string("abcdefghijkl")) {
      timer.expires_after(50ms);
      co_await timer.async_wait(asio::use_awaitable);
      co_await write_text(c, std::string(1, byte));
    }
    co_await wait_for_client_close(c);
  });
  auto o = options();
  o.idle_read_timeout = 300ms;
  HttpsClient client(io_.get_executor(), o);
  RecordingSink sink;
  auto request = get(server.origin());
  const auto start = std::chrono::steady_clock::now();
  run(io_, client.send(request, sink));
  EXPECT_EQ(sink.body(), "abcdefghijkl");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 500ms);
}

TEST_F(HttpsClientFailureTest, RejectsABodyOverTheCap) {
  TlsTestServer server(io_, leaf_, [](ServerConnection& c) -> asio::awaitable<void> {
    co_await read_request(c);
    co_await write_text(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    co_await write_text(c, "28\r\n" + std::string(40, 'x') + "\r\n");
    co_await write_text(c, "28\r\n" + std::string(40, 'y') + "\r\n0\r\n\r\n");
    co_await wait_for_client_close(c);
  });
  auto o = options();
  o.max_body_bytes = 50;
  HttpsClient client(io_.get_executor(), o);
  RecordingSink sink;
  auto request = get(server.origin());
  const auto message = message_of<FatalError>([&] { run(io_, client.send(request, sink)); });
  EXPECT_EQ(message.rfind("response body exceeds 50 bytes", 0), 0u) << message;
  EXPECT_LE(sink.body().size(), 50u);
}

// Tells the server the first body bytes have reached the client, so its reset cannot overtake
// them (a TCP reset discards data the client has not read yet).
class SignallingSink : public RecordingSink {
 public:
  explicit SignallingSink(asio::steady_timer& body_started) : body_started_(body_started) {}
  void on_body(std::string_view bytes) override {
    RecordingSink::on_body(bytes);
    body_started_.cancel();
  }

 private:
  asio::steady_timer& body_started_;
};

TEST_F(HttpsClientFailureTest, ReportsAResetMidBodyAsTransient) {
  asio::steady_timer body_started(io_, asio::steady_timer::time_point::max());
  TlsTestServer server(io_, leaf_, [&](ServerConnection& c) -> asio::awaitable<void> {
    co_await read_request(c);
    co_await write_text(c, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789");
    co_await body_started.async_wait(asio::as_tuple(asio::use_awaitable));
    reset_connection(c);
  });
  HttpsClient client(io_.get_executor(), options());
  SignallingSink sink(body_started);
  auto request = get(server.origin());
  const auto message = message_of<TransientError>([&] { run(io_, client.send(request, sink)); });
  EXPECT_NE(message.find("reading the response body from 127.0.0.1"), std::string::npos) << message;
  EXPECT_EQ(sink.body(), "0123456789");
  EXPECT_EQ(client.idle_connections(server.origin()), 0u);
}

TEST_F(HttpsClientFailureTest, ReportsACloseBeforeTheHeadAsTransient) {
  TlsTestServer server(io_, leaf_, [](ServerConnection& c) -> asio::awaitable<void> {
    co_await read_request(c);
    beast::get_lowest_layer(c.stream).close();
  });
  HttpsClient client(io_.get_executor(), options());
  RecordingSink sink;
  auto request = get(server.origin());
  const auto message = message_of<TransientError>([&] { run(io_, client.send(request, sink)); });
  EXPECT_NE(message.find("waiting for the response from 127.0.0.1"), std::string::npos) << message;
  EXPECT_EQ(sink.heads(), 0);
}

TEST_F(HttpsClientFailureTest, KeepsTheQueryStringOutOfErrorMessages) {
  TlsTestServer server(io_, leaf_, [](ServerConnection& c) -> asio::awaitable<void> {
    co_await read_request(c);
    beast::get_lowest_layer(c.stream).close();
  });
  HttpsClient client(io_.get_executor(), options());
  RecordingSink sink;
  auto request = get(server.origin(), "/api/2.0/fo/session/?action=login&password=hunter2");
  request.headers = {{"Authorization", "Basic c2VjcmV0"}};
  const auto message = message_of<TransientError>([&] { run(io_, client.send(request, sink)); });
  EXPECT_NE(message.find("/api/2.0/fo/session/"), std::string::npos) << message;
  EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
  EXPECT_EQ(message.find("action="), std::string::npos) << message;
  EXPECT_EQ(message.find("c2VjcmV0"), std::string::npos) << message;
}

TEST_F(HttpsClientFailureTest, ReportsARefusedConnectionAsTransient) {
  std::uint16_t port = 0;
  {
    asio::ip::tcp::acceptor closed(io_, {asio::ip::make_address("127.0.0.1"), 0});
    port = closed.local_endpoint().port();
  }
  HttpsClient client(io_.get_executor(), options());
  RecordingSink sink;
  auto request = get(Origin{"127.0.0.1", port});
  const auto message = message_of<TransientError>([&] { run(io_, client.send(request, sink)); });
  EXPECT_EQ(message.rfind("connecting to 127.0.0.1:" + std::to_string(port), 0), 0u) << message;
}

}  // namespace
}  // namespace qi::net::testing
