// A minimal HTTPS client for the simulator's tests: real TLS (verifying the test CA and the
// host name) over loopback, driven on the test's io_context with a deadline, reporting partial
// bodies, resets and timeouts instead of throwing, so fault tests can assert on them.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qi::sim::testing {

struct ClientRequest {
  boost::beast::http::verb method = boost::beast::http::verb::post;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/x-www-form-urlencoded";
  std::string host;  // Host header; default "localhost:<port>"
};

struct ClientResponse {
  unsigned status = 0;  // 0: no response head arrived
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // what arrived, even when incomplete
  bool complete = false;
  bool timed_out = false;
  boost::system::error_code error;
  std::chrono::milliseconds elapsed{0};

  std::string header(std::string_view name) const;  // case-insensitive, "" when absent
  bool has_header(std::string_view name) const;
};

class SimClient {
 public:
  SimClient(boost::asio::io_context& io, std::uint16_t port, std::string ca_pem);

  // Each request on its own connection; all run concurrently; returns when all are done or
  // the deadline passed (the rest are cut and marked timed_out).
  std::vector<ClientResponse> parallel(
      const std::vector<ClientRequest>& requests,
      std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Several requests one after another on one keep-alive connection.
  std::vector<ClientResponse> sequence(
      const std::vector<ClientRequest>& requests,
      std::chrono::milliseconds timeout = std::chrono::seconds(20));
  ClientResponse send(const ClientRequest& request,
                      std::chrono::milliseconds timeout = std::chrono::seconds(20));

  // Conveniences for the two API families.
  std::string login(const std::string& username = "sim-user",
                    const std::string& password = "sim-password");
  ClientResponse gateway(const std::string& target, const std::string& token,
                         std::chrono::milliseconds timeout = std::chrono::seconds(20));
  ClientResponse v2(const std::string& path, const std::string& form_body,
                    std::chrono::milliseconds timeout = std::chrono::seconds(20));
  static std::string basic_auth(const std::string& username, const std::string& password);

  std::uint64_t body_cap = 64ULL << 20;

 private:
  boost::asio::io_context& io_;
  std::uint16_t port_;
  std::string ca_pem_;
};

// True when text is valid UTF-8.
bool valid_utf8(std::string_view text);

}  // namespace qi::sim::testing
