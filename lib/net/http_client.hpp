// The seam between the Qualys layer and the network. The production implementation is the
// Beast/OpenSSL client (https_client.hpp); tests may substitute their own.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qi::net {

namespace asio = boost::asio;
namespace http = boost::beast::http;

// Where a request goes. Always HTTPS: there is no plain-HTTP path to Qualys.
struct Origin {
  std::string host;
  std::uint16_t port = 443;

  friend bool operator==(const Origin&, const Origin&) = default;
};

struct Header {
  std::string name;
  std::string value;
};

struct HttpRequest {
  http::verb method = http::verb::post;
  Origin origin;
  std::string target;           // path and query, e.g. "/api/4.0/fo/knowledge_base/vuln/"
  std::vector<Header> headers;  // may carry credentials: never logged
  std::string content_type;     // empty when there is no body
  std::string body;             // may carry credentials: never logged
};

struct HttpResponseHead {
  unsigned status = 0;
  std::vector<Header> headers;

  // Case-insensitive lookup (Qualys sends lower-case names over HTTP/2-era proxies).
  std::optional<std::string_view> header(std::string_view name) const;
  // The number a header starts with (leading blanks skipped, what follows the digits ignored);
  // nullopt when the header is absent or does not start with a number.
  std::optional<long long> header_number(std::string_view name) const;
};

// Receives one response as it arrives: on_head once, then on_body zero or more times with the
// decoded (de-chunked) body bytes. Exceptions thrown here abort the request and propagate.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  virtual void on_head(const HttpResponseHead& head) = 0;
  virtual void on_body(std::string_view bytes) = 0;
};

struct HttpClientOptions {
  std::chrono::milliseconds resolve_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds write_timeout{std::chrono::seconds(60)};
  // Longest silence allowed while waiting for the response head or the next body bytes.
  // Qualys's keep-alive comments count as bytes, so a slow but live download never hits it.
  std::chrono::milliseconds idle_read_timeout{std::chrono::seconds(300)};
  std::uint64_t max_body_bytes = 16ULL << 30;
  std::string ca_file;    // extra trust anchors (PEM) beside the system store; empty for none
  std::string proxy_url;  // "http://[user:password@]host:port"; empty for a direct connection
  std::string user_agent = "qualys-insightd";
  std::size_t max_idle_connections_per_origin = 4;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // Sends the request and streams the response into sink; returns once the body is complete.
  // Throws qi::TransientError for connection failures, timeouts and bodies that end early,
  // qi::FatalError for TLS verification failures, proxy refusals and bodies over the cap.
  // Honours per-operation cancellation of the awaiting coroutine: the socket is closed and
  // boost::system::system_error(asio::error::operation_aborted) is thrown, which is neither a
  // TransientError nor a FatalError, so a cancelled job is never retried.
  virtual asio::awaitable<void> send(const HttpRequest& request, ResponseSink& sink) = 0;
};

}  // namespace qi::net
