// Responses a hostile or broken server can send to exhaust memory or outlast the job's deadline:
// an endless response head, an endless chunk header, an endless body sent as fast as it can.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/system_error.hpp>

#include "common/error.hpp"
#include "net/https_client.hpp"
#include "net_test_helpers.hpp"
#include "tls_test_server.hpp"

namespace qi::net::testing {
namespace {

using HostileResponseTest = NetTest;
using namespace std::chrono_literals;

// Writes `prefix`, then `filler` until the client goes away or `budget` bytes are out; counts
// what it wrote in `sent`.
asio::awaitable<void> write_endlessly(ServerConnection& c, std::string prefix, std::string filler,
                                      std::uint64_t budget, std::uint64_t& sent) {
  co_await read_request(c);
  auto [ec, n] = co_await asio::async_write(c.stream, asio::buffer(prefix),
                                            asio::as_tuple(asio::use_awaitable));
  sent += n;
  while (!ec && sent < budget) {
    std::tie(ec, n) = co_await asio::async_write(c.stream, asio::buffer(filler),
                                                 asio::as_tuple(asio::use_awaitable));
    sent += n;
  }
}

TEST_F(HostileResponseTest, EndsAnEndlessResponseHeadAt64KiBWithAClearMessage) {
  std::uint64_t sent = 0;
  TlsTestServer server(io_, leaf_, [&](ServerConnection& c) -> asio::awaitable<void> {
    co_await write_endlessly(c, "HTTP/1.1 200 OK\r\nX-Endless: ", std::string(16 * 1024, 'h'),
                             64ULL << 20, sent);
  });
  HttpsClient client(io_.get_executor(), options());
  RecordingSink sink;
  auto request = get(server.origin(), "/api/2.0/fo/knowledge_base/vuln/");
  const auto message = message_of<FatalError>([&] { run(io_, client.send(request, sink)); });
  EXPECT_EQ(message, "the response head from 127.0.0.1:" + std::to_string(server.port()) +
                         "/api/2.0/fo/knowledge_base/vuln/ is longer than 65536 bytes "
                         "(the limit for the status line and all header fields)");
  EXPECT_EQ(sink.heads(), 0);
  EXPECT_LT(sent, 8ULL << 20) << "the client kept reading past the limit";
}

TEST_F(HostileResponseTest, EndsAnEndlessChunkHeaderAt64KiBWithAClearMessage) {
  // A chunk extension that never ends: Beast bounds the head but not a chunk header line.
  std::uint64_t sent = 0;
  TlsTestServer server(io_, leaf_, [&](ServerConnection& c) -> asio::awaitable<void> {
    co_await write_endlessly(c,
                             "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "5\r\nhello\r\n10;ext=",
                             std::string(16 * 1024, 'e'), 64ULL << 20, sent);
  });
  HttpsClient client(io_.get_executor(), options());
  RecordingSink sink;
  auto request = get(server.origin(), "/api/2.0/fo/knowledge_base/vuln/");
  const auto message = message_of<FatalError>([&] { run(io_, client.send(request, sink)); });
  EXPECT_EQ(message, "a chunk header or trailer from 127.0.0.1:" + std::to_string(server.port()) +
                         "/api/2.0/fo/knowledge_base/vuln/ is longer than 65536 bytes "
                         "(the limit for one chunk header or the trailer fields)");
  EXPECT_EQ(sink.body(), "hello");
  EXPECT_LT(sent, 8ULL << 20) << "the client kept reading past the limit";
}

// Takes as long over each body piece as a busy parser does over a large one.
class BusySink : public RecordingSink {
 public:
  void on_body(std::string_view bytes) override {
    bytes_ += bytes.size();
    const auto until = std::chrono::steady_clock::now() + 2ms;
    while (std::chrono::steady_clock::now() < until) {
    }
  }
  std::uint64_t bytes() const { return bytes_; }

 private:
  std::uint64_t bytes_ = 0;
};

TEST_F(HostileResponseTest, ADeadlineEndsAnEndlessFastBodyWhileTheParserIsBusy) {
  std::uint64_t sent = 0;
  TlsTestServer server(io_, leaf_, [&](ServerConnection& c) -> asio::awaitable<void> {
    co_await write_endlessly(c, "HTTP/1.1 200 OK\r\nContent-Length: 8000000000\r\n\r\n",
                             std::string(64 * 1024, 'x'), 1ULL << 40, sent);
  });
  HttpsClient client(io_.get_executor(), options());
  BusySink sink;
  auto request = get(server.origin());
  bool deadline_won = false;
  std::chrono::steady_clock::duration late{};
  run(io_, [&]() -> asio::awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    asio::steady_timer deadline(co_await asio::this_coro::executor, 500ms);
    const auto due = std::chrono::steady_clock::now() + 500ms;
    auto result = co_await (client.send(request, sink) || deadline.async_wait(asio::use_awaitable));
    deadline_won = result.index() == 1;
    late = std::chrono::steady_clock::now() - due;
  }());
  EXPECT_TRUE(deadline_won);
  EXPECT_GT(sink.bytes(), 0u) << "the body never started";
  EXPECT_LT(late, 250ms) << "the deadline fired "
                         << std::chrono::duration_cast<std::chrono::milliseconds>(late).count()
                         << " ms late";
}

}  // namespace
}  // namespace qi::net::testing
