// One request/response round trip on an open Connection, streaming the body into the sink.
// Reports transport failures as data (so the client can tell a stale keep-alive connection from
// a real failure); exceptions thrown by the sink propagate unchanged.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "net/connection.hpp"
#include "net/http_client.hpp"

namespace qi::net {

struct ExchangeResult {
  boost::system::error_code ec;  // empty when the whole response was received
  const char* step = "";         // what was being done when ec happened, for the message
  bool response_started = false;  // some response byte arrived before the failure
  bool reusable = false;          // complete, keep-alive, nothing left over: may go back to the pool
};

// Writes the request (Host, User-Agent, Content-Type, Content-Length, request.headers) under
// write_timeout, then reads the head and the body in pieces of up to 64 KiB, resetting the
// idle_read_timeout deadline before every read. body_limit is max_body_bytes.
asio::awaitable<ExchangeResult> exchange(Connection& connection, const HttpRequest& request,
                                         ResponseSink& sink, const HttpClientOptions& options);

}  // namespace qi::net
