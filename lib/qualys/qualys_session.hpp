// Everything one Qualys subscription needs for API calls: the HTTP client, the shared rate
// governor, the gateway token, credentials and the retry policy. One QualysSession per loaded
// configuration; every job run of the process uses it, so they share one budget. A reload that
// changes credentials or endpoints builds a new session.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "async/wait_queue.hpp"
#include "config/config.hpp"
#include "net/http_client.hpp"
#include "qualys/gateway_auth.hpp"
#include "qualys/rate_governor.hpp"
#include "qualys/records.hpp"
#include "qualys/retry.hpp"

namespace qi::qualys {

namespace asio = boost::asio;

struct Endpoints {
  net::Origin api;      // qualysapi.* : /api/... (Basic auth)
  net::Origin gateway;  // gateway.* : /auth and /rest/2.0/... (JWT)
};

// A streaming consumer of one response body; a fresh one is made for every attempt.
class BodyConsumer {
 public:
  virtual ~BodyConsumer() = default;
  virtual void feed(std::string_view bytes) = 0;
  // Called once the body is complete; throws qi::TransientError for an incomplete document.
  virtual void finish() = 0;
  // For API v2 XML: the SIMPLE_RETURN found instead of data, if any.
  virtual const std::optional<SimpleReturn>* simple_return() const { return nullptr; }
};

// Adapts any parser with feed/finish(/simple_return) to BodyConsumer.
template <class Parser>
class ParserConsumer final : public BodyConsumer {
 public:
  explicit ParserConsumer(Parser& parser) : parser_(parser) {}
  void feed(std::string_view bytes) override { parser_.feed(bytes); }
  void finish() override { parser_.finish(); }
  const std::optional<SimpleReturn>* simple_return() const override {
    if constexpr (requires { parser_.simple_return(); }) {
      return &parser_.simple_return();
    } else {
      return nullptr;
    }
  }

 private:
  Parser& parser_;
};

// The HTTP client settings that the qualys.* configuration implies.
net::HttpClientOptions http_client_options(const config::QualysConfig& config);

struct ApiCallStats {
  std::uint64_t calls = 0;
  std::uint64_t bytes = 0;
};

class QualysSession {
 public:
  QualysSession(asio::any_io_executor executor, net::HttpClient& http, Endpoints endpoints,
                config::Credentials credentials, const config::QualysConfig& config);

  const Endpoints& endpoints() const { return endpoints_; }
  const RetryPolicy& retry_policy() const { return retry_; }
  RateGovernor& governor() { return governor_; }
  GatewayAuth& auth() { return auth_; }
  const ApiCallStats& stats() const { return stats_; }

  // One API v2 request (no retry): POST `form_body` to `target` on the API host with Basic auth
  // and X-Requested-With, the 200 body streamed into `consumer`. Classifies the outcome:
  // returns on success; throws qi::TransientError for 5xx, 409 1960/1965, GENERIC_RETURN,
  // truncated or malformed bodies; qi::FatalError for 401 (and every later call), other 4xx and
  // SIMPLE_RETURN errors such as 2001, with the Qualys CODE and TEXT. A rate-governor pause
  // that outlasts `context.deadline` is a TransientError (RateGovernor::acquire).
  asio::awaitable<void> post_v2(const CallContext& context, const std::string& target,
                                const std::string& form_body, BodyConsumer& consumer);

  // One gateway request (no retry except one token renewal on 401): POST `json_body` to
  // `target` with the bearer token. Returns the HTTP status (200 or 204); the 200 body goes to
  // `consumer`.
  asio::awaitable<unsigned> post_gateway(const CallContext& context, const std::string& target,
                                         const std::string& json_body, BodyConsumer& consumer);

  // Whether `url` (e.g. a WARNING next-page URL) points at our API host over HTTPS; we refuse
  // to send credentials anywhere else.
  std::optional<std::string> api_target_of(std::string_view url) const;

 private:
  // Until one API v2 call has been answered with anything but 401, calls go one at a time: a
  // wrong password must cost exactly one failed login, not one per window in flight (Qualys
  // locks accounts after repeated failures).
  asio::awaitable<void> wait_for_credentials_check();
  void credentials_check_done();

  asio::awaitable<unsigned> send_gateway_once(const CallContext& context, const std::string& token,
                                              const std::string& target,
                                              const std::string& json_body, BodyConsumer& consumer);

  net::HttpClient& http_;
  Endpoints endpoints_;
  config::Credentials credentials_;
  std::string basic_authorization_;
  std::string requested_with_;
  RetryPolicy retry_;
  RateGovernor governor_;
  GatewayAuth auth_;
  std::optional<std::string> api_credentials_rejected_;
  bool api_credentials_confirmed_ = false;
  bool api_credentials_check_in_flight_ = false;
  async::WaitQueue api_credentials_checked_;  // calls waiting for the check in flight
  ApiCallStats stats_;
};

}  // namespace qi::qualys
