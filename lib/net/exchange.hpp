// One request/response round trip on an open Connection, streaming the body into the sink.
// Reports transport failures as data (so the client can tell a stale keep-alive connection from
// a real failure); exceptions thrown by the sink propagate unchanged.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "net/connection.hpp"
#include "net/http_client.hpp"

namespace qi::net {

// The most bytes of the response head (status line and every header field), and of one chunk
// header or the trailer fields. Beast's default of 8 KiB is tight for Qualys heads with many
// X-RateLimit-* / X-Concurrency-* headers behind proxies that add their own; a real head is a
// few KiB, and 64 KiB bounds the memory an endless one costs.
constexpr std::size_t kHeaderLimitBytes = 64 * 1024;

struct ExchangeResult {
  boost::system::error_code ec;   // empty when the whole response was received
  const char* step = "";          // what was being done when ec happened, for the message
  bool response_started = false;  // some response byte arrived before the failure
  bool reusable = false;      // complete, keep-alive, nothing left over: may go back to the pool
  const char* limit_of = "";  // with http::error::header_limit: what the limit covers
};

// Writes the request (Host, User-Agent, Content-Type, Content-Length, request.headers) under
// write_timeout, then reads the head and the body in pieces of up to 64 KiB, resetting the
// idle_read_timeout deadline before every read. body_limit is max_body_bytes; a head, chunk
// header or trailer longer than kHeaderLimitBytes ends it with http::error::header_limit.
asio::awaitable<ExchangeResult> exchange(Connection& connection, const HttpRequest& request,
                                         ResponseSink& sink, const HttpClientOptions& options);

}  // namespace qi::net
