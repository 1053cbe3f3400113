#include "net/exchange.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <vector>

#include "net/origin.hpp"

namespace qi::net {

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kPieceBytes = 64 * 1024;
constexpr std::size_t kReadBytes = 64 * 1024;

http::request<http::string_body> build_request(const HttpRequest& request,
                                               const HttpClientOptions& options) {
  http::request<http::string_body> out{request.method, request.target, 11};
  out.set(http::field::host, host_header_value(request.origin));
  out.set(http::field::user_agent, options.user_agent);
  for (const auto& header : request.headers) out.set(header.name, header.value);
  if (!request.content_type.empty()) out.set(http::field::content_type, request.content_type);
  out.body() = request.body;
  out.prepare_payload();
  return out;
}

HttpResponseHead to_head(const http::response_parser<http::buffer_body>::value_type& message) {
  HttpResponseHead head;
  head.status = message.result_int();
  for (const auto& field : message) {
    head.headers.push_back(Header{std::string(field.name_string()), std::string(field.value())});
  }
  return head;
}

}  // namespace

asio::awaitable<ExchangeResult> exchange(Connection& connection, const HttpRequest& request,
                                         ResponseSink& sink, const HttpClientOptions& options) {
  ExchangeResult result;
  beast::tcp_stream& tcp_stream = beast::get_lowest_layer(connection.stream);

  auto message = build_request(request, options);
  tcp_stream.expires_after(options.write_timeout);
  if (auto [ec, n] = co_await http::async_write(connection.stream, message, use_tuple); ec) {
    result.ec = ec;
    result.step = "sending the request to";
    co_return result;
  }

  http::response_parser<http::buffer_body> parser;
  parser.body_limit(options.max_body_bytes);
  parser.header_limit(kHeaderLimitBytes);
  if (request.method == http::verb::head) parser.skip(true);

  while (!parser.is_header_done()) {
    tcp_stream.expires_after(options.idle_read_timeout);
    auto [ec, n] =
        co_await http::async_read_some(connection.stream, connection.buffer, parser, use_tuple);
    if (ec && ec != http::error::need_buffer) {
      result.ec = ec;
      result.step = "waiting for the response from";
      if (ec == http::error::header_limit) {
        result.step = "the response head from";
        result.limit_of = "the status line and all header fields";
      }
      result.response_started = parser.got_some() || connection.buffer.size() != 0;
      co_return result;
    }
  }
  result.response_started = true;
  sink.on_head(to_head(parser.get()));

  // The body is parsed here rather than with http::async_read_some: Beast's composed read posts a
  // completion per parsed element even when no I/O is needed, ~30 scheduler round trips (and
  // epoll polls) per TLS record; this loop suspends only to read.
  parser.eager(true);
  std::vector<char> piece(kPieceBytes);
  bool need_input = connection.buffer.size() == 0;
  while (!parser.is_done()) {
    if (need_input) {
      tcp_stream.expires_after(options.idle_read_timeout);
      auto [ec, n] = co_await connection.stream.async_read_some(
          connection.buffer.prepare(kReadBytes), use_tuple);
      connection.buffer.commit(n);
      if (ec == asio::error::eof) {
        parser.put_eof(ec);  // completes a body delimited by the end of the connection
        if (!ec) break;
      }
      if (ec) {
        result.ec = ec;
        result.step = "reading the response body from";
        co_return result;
      }
    }
    parser.get().body().data = piece.data();
    parser.get().body().size = piece.size();
    beast::error_code ec;
    const std::size_t used = parser.put(connection.buffer.data(), ec);
    connection.buffer.consume(used);
    const std::size_t received = piece.size() - parser.get().body().size;
    if (received != 0) sink.on_body(std::string_view(piece.data(), received));
    if (ec && ec != http::error::need_more && ec != http::error::need_buffer) {
      result.ec = ec;
      result.step = "reading the response body from";
      co_return result;
    }
    need_input = ec == http::error::need_more || connection.buffer.size() == 0 ||
                 (used == 0 && received == 0);
    if (need_input && used == 0 && connection.buffer.size() > kHeaderLimitBytes) {
      // All that is buffered is one unfinished chunk header or trailer: Beast bounds the head
      // but would keep buffering these without end.
      result.ec = http::error::header_limit;
      result.step = "a chunk header or trailer from";
      result.limit_of = "one chunk header or the trailer fields";
      co_return result;
    }
  }
  tcp_stream.expires_never();
  result.reusable = parser.get().keep_alive() && connection.buffer.size() == 0;
  co_return result;
}

}  // namespace qi::net
