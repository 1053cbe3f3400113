// The HTTPS client against loopback TLS servers: streaming, request shape, connection reuse.
#include "net/https_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>

#include "net/origin.hpp"
#include "net_test_helpers.hpp"
#include "tls_test_server.hpp"

namespace qi::net::testing {
namespace {

using HttpsClientTest = NetTest;

std::string chunk(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

TEST_F(HttpsClientTest, StreamsAChunkedBodyInPieces) {
  // 200 KiB in 10 000-byte chunks: more than one 64 KiB piece whatever the timing.
  std::string expected;
  TlsTestServer server(io_, leaf_, [&](ServerConnection& c) -> asio::awaitable<void> {
    co_await read_request(c);
    co_await write_text(c,
                        "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 20; ++i) {
      const std::string data(10000, static_cast<char>('a' + i));
      co_await write_text(c, chunk(data));
    }
    co_await write_text(c, "0\r\n\r\n");
    co_await wait_for_client_close(c);
  });
  for (int i = 0; i < 20; ++i) expected += std::string(10000, static_cast<char>('a' + i));

  HttpsClient client(io_.get_executor(), options());
  RecordingSink sink;
  auto request = get(server.origin());
  run(io_, client.send(request, sink));

  EXPECT_EQ(sink.heads(), 1);
  EXPECT_EQ(sink.head().status, 200u);
  EXPECT_EQ(sink.head().header("content-type"), "text/xml");
  EXPECT_EQ(sink.body(), expected);
  EXPECT_GE(sink.pieces().size(), 4u);
  for (auto size : sink.pieces()) EXPECT_LE(size, 64u * 1024u);
}

TEST_F(HttpsClientTest, ParsesChunkFramingSplitAcrossReads) {
  // Each write is its own TLS record: chunk sizes, CRLFs and data cut at every awkward place,
  // a chunk extension and a trailer, so the body loop has to ask for more input mid-element.
  const std::vector<std::string> writes = {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                                           "1",
                                           "0",
                                           ";ext=1\r",
                                           "\n0123456789",
                                           "abcdef\r",
                                           "\n",
                                           "3\r\nxyz",
                                           "\r\n0\r\n",
                                           "X-Trailer: t\r\n",
                                           "\r\n"};
  TlsTestServer server(io_, leaf_, [&](ServerConnection& c) -> asio::awaitable<void> {
    co_await read_request(c);
    for (const auto& text : writes) co_await write_text(c, text);
    co_await wait_for_client_close(c);
  });
  HttpsClient client(io_.get_executor(), options());
  RecordingSink sink;
  auto request = get(server.origin());
  run(io_, client.send(request, sink));
  EXPECT_EQ(sink.head().status, 200u);
  EXPECT_EQ(sink.body(), "0123456789abcdefxyz");
  EXPECT_EQ(client.idle_connections(server.origin()), 1u);  // complete, so reusable
}

TEST_F(HttpsClientTest, ReadsAContentLengthBody) {
  TlsTestServer server(io_, leaf_, [](ServerConnection& c) -> asio::awaitable<void> {
    co_await read_request(c);
    co_await write_text(c, ok_response("<SIMPLE_RETURN/>"));
    co_await wait_for_client_close(c);
  });
  HttpsClient client(io_.get_executor(), options());
  RecordingSink sink;
  auto request = get(server.origin());
  run(io_, client.send(request, sink));
  EXPECT_EQ(sink.head().status, 200u);
  EXPECT_EQ(sink.body(), "<SIMPLE_RETURN/>");
}

TEST_F(HttpsClientTest, ReadsABodyThatEndsWhenTheServerCloses) {
  TlsTestServer server(io_, leaf_, [](ServerConnection& c) -> asio::awaitable<void> {
    co_await read_request(c);
    co_await write_text(c, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil close");
    co_await c.stream.async_shutdown(asio::use_awaitable);
  });
  HttpsClient client(io_.get_executor(), options());
  RecordingSink sink;
  auto request = get(server.origin());
  run(io_, client.send(request, sink));
  EXPECT_EQ(sink.body(), "until close");
  EXPECT_EQ(client.idle_connections(server.origin()), 0u);
}

TEST_F(HttpsClientTest, SendsHostUserAgentContentTypeLengthAndCallerHeaders) {
  http::request<http::string_body> seen;
  TlsTestServer server(io_, leaf_, [&](ServerConnection& c) -> asio::awaitable<void> {
    seen = co_await read_request(c);
    co_await write_text(c, ok_response("ok"));
    co_await wait_for_client_close(c);
  });
  auto o = options();
  o.user_agent = "qi-test/1";
  HttpsClient client(io_.get_executor(), o);
  HttpRequest request;
  request.method = http::verb::post;
  request.origin = server.origin();
  request.target = "/api/2.0/fo/knowledge_base/vuln/?action=list";
  request.headers = {{"X-Requested-With", "qualys-insight"}};
  request.content_type = "application/x-www-form-urlencoded";
  request.body = "action=list&details=All";
  RecordingSink sink;
  run(io_, client.send(request, sink));

  EXPECT_EQ(seen.method(), http::verb::post);
  EXPECT_EQ(seen.target(), "/api/2.0/fo/knowledge_base/vuln/?action=list");
  EXPECT_EQ(seen[http::field::host], host_header_value(server.origin()));
  EXPECT_EQ(seen[http::field::user_agent], "qi-test/1");
  EXPECT_EQ(seen[http::field::content_type], "application/x-www-form-urlencoded");
  EXPECT_EQ(seen[http::field::content_length], "23");
  EXPECT_EQ(seen["X-Requested-With"], "qualys-insight");
  EXPECT_EQ(seen.body(), "action=list&details=All");
  EXPECT_EQ(seen.version(), 11u);
}

// Serves keep-alive requests on one connection until the client closes it; the body names the
// connection so tests can tell which one answered.
asio::awaitable<void> keep_alive_loop(ServerConnection& c) {
  for (;;) {
    co_await read_request(c);
    co_await write_text(c, ok_response("connection " + std::to_string(c.number)));
  }
}

TEST_F(HttpsClientTest, ReusesAKeepAliveConnectionForTheNextRequest) {
  TlsTestServer server(io_, leaf_, keep_alive_loop);
  HttpsClient client(io_.get_executor(), options());
  auto request = get(server.origin());
  RecordingSink first;
  RecordingSink second;
  run(io_, client.send(request, first));
  run(io_, client.send(request, second));
  EXPECT_EQ(first.body(), "connection 1");
  EXPECT_EQ(second.body(), "connection 1");
  EXPECT_EQ(server.accepts(), 1);
  EXPECT_EQ(client.idle_connections(server.origin()), 1u);
}

TEST_F(HttpsClientTest, RetriesOnceWhenAnIdleConnectionWasClosedByTheServer) {
  TlsTestServer server(io_, leaf_, [](ServerConnection& c) -> asio::awaitable<void> {
    if (c.number == 1) {
      co_await read_request(c);
      co_await write_text(c, ok_response("connection 1"));
      beast::get_lowest_layer(c.stream).close();  // keep-alive promised, then dropped
      co_return;
    }
    co_await keep_alive_loop(c);
  });
  HttpsClient client(io_.get_executor(), options());
  auto request = get(server.origin());
  RecordingSink first;
  RecordingSink second;
  run(io_, client.send(request, first));
  run(io_, client.send(request, second));
  EXPECT_EQ(first.body(), "connection 1");
  EXPECT_EQ(second.body(), "connection 2");
  EXPECT_EQ(second.heads(), 1);
  EXPECT_EQ(server.accepts(), 2);
}

TEST_F(HttpsClientTest, OpensANewConnectionWhenTheServerSaidConnectionClose) {
  TlsTestServer server(io_, leaf_, [](ServerConnection& c) -> asio::awaitable<void> {
    co_await read_request(c);
    co_await write_text(c, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
    co_await wait_for_client_close(c);
  });
  HttpsClient client(io_.get_executor(), options());
  auto request = get(server.origin());
  RecordingSink first;
  RecordingSink second;
  run(io_, client.send(request, first));
  EXPECT_EQ(client.idle_connections(server.origin()), 0u);
  run(io_, client.send(request, second));
  EXPECT_EQ(second.body(), "ok");
  EXPECT_EQ(server.accepts(), 2);
}

TEST_F(HttpsClientTest, GivesConcurrentRequestsTheirOwnConnections) {
  TlsTestServer server(io_, leaf_, keep_alive_loop);
  HttpsClient client(io_.get_executor(), options());
  auto request = get(server.origin());
  RecordingSink a;
  RecordingSink b;
  run(io_, [&]() -> asio::awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    co_await (client.send(request, a) && client.send(request, b));
  }());
  EXPECT_EQ(a.heads(), 1);
  EXPECT_EQ(b.heads(), 1);
  EXPECT_NE(a.body(), b.body());
  EXPECT_EQ(server.accepts(), 2);
  EXPECT_EQ(client.idle_connections(server.origin()), 2u);
}

TEST_F(HttpsClientTest, KeepsNoMoreIdleConnectionsThanTheLimit) {
  TlsTestServer server(io_, leaf_, keep_alive_loop);
  auto o = options();
  o.max_idle_connections_per_origin = 1;
  HttpsClient client(io_.get_executor(), o);
  auto request = get(server.origin());
  RecordingSink a;
  RecordingSink b;
  run(io_, [&]() -> asio::awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    co_await (client.send(request, a) && client.send(request, b));
  }());
  EXPECT_EQ(server.accepts(), 2);
  EXPECT_EQ(client.idle_connections(server.origin()), 1u);
}

struct SinkFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ThrowingSink : public RecordingSink {
 public:
  void on_body(std::string_view) override { throw SinkFailure("parser rejected the body"); }
};

TEST_F(HttpsClientTest, PropagatesSinkExceptionsUnchangedAndDropsTheConnection) {
  TlsTestServer server(io_, leaf_, keep_alive_loop);
  HttpsClient client(io_.get_executor(), options());
  auto request = get(server.origin());
  ThrowingSink throwing;
  EXPECT_EQ(message_of<SinkFailure>([&] { run(io_, client.send(request, throwing)); }),
            "parser rejected the body");
  EXPECT_EQ(client.idle_connections(server.origin()), 0u);
  RecordingSink next;
  run(io_, client.send(request, next));
  EXPECT_EQ(next.body(), "connection 2");
}

}  // namespace
}  // namespace qi::net::testing
