// The gateway JWT (POST /auth → 201, the token as plain text), cached and shared by every caller
// of one subscription. Renewed when less than a tenth of its lifetime remains, and after a 401.
// A rejected login is remembered: we never try the same credentials twice, because repeated
// failures lock Qualys accounts.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "async/wait_queue.hpp"
#include "config/config.hpp"
#include "net/http_client.hpp"

namespace qi::qualys {

namespace asio = boost::asio;

// Seconds since the epoch in the token's `exp` claim, if it has one.
std::optional<std::int64_t> jwt_expiry(std::string_view token);

class GatewayAuth {
 public:
  GatewayAuth(net::HttpClient& http, net::Origin gateway, config::Credentials credentials);

  // A valid token, logging in when there is none or it is about to expire. Concurrent callers
  // share one login. Throws qi::FatalError when the credentials are rejected (now or before),
  // qi::TransientError when the gateway could not be reached.
  asio::awaitable<std::string> token();

  // The gateway answered 401 to this token: forget it so the next token() logs in again.
  void invalidate(const std::string& token);

 private:
  asio::awaitable<void> login();
  bool usable(std::chrono::system_clock::time_point now) const;

  net::HttpClient& http_;
  net::Origin gateway_;
  config::Credentials credentials_;
  std::string token_;
  std::chrono::system_clock::time_point issued_{};
  std::chrono::system_clock::time_point expires_{};
  std::optional<std::string> rejected_;  // why the credentials were refused
  bool login_in_flight_ = false;
  async::WaitQueue login_done_;  // callers waiting for the login in flight
};

}  // namespace qi::qualys
