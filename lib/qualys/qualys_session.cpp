#include "qualys/qualys_session.hpp"

#include <boost/url/parse.hpp>
#include <charconv>

#include "common/error.hpp"
#include "net/form_encoding.hpp"
#include "qualys/simple_return.hpp"

namespace qi::qualys {

using namespace std::chrono;

namespace {

constexpr std::size_t kErrorBodyLimit = 64 * 1024;

std::string path_only(std::string_view target) {
  return std::string(target.substr(0, target.find('?')));
}

std::optional<milliseconds> seconds_header(const net::HttpResponseHead& head,
                                           std::string_view name) {
  const auto number = head.header_number(name);
  if (!number || *number < 0) return std::nullopt;
  return seconds(*number);
}

std::optional<milliseconds> item_seconds(const SimpleReturn& simple, std::string_view key) {
  for (const auto& [k, v] : simple.items) {
    if (k != key) continue;
    long long number = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), number);
    if (ec == std::errc{} && ptr != v.data() && number >= 0) return seconds(number);
  }
  return std::nullopt;
}

// Collects the head and either streams a 200 body to the consumer or keeps the first bytes of
// any other body for classification.
class ClassifyingSink final : public net::ResponseSink {
 public:
  ClassifyingSink(BodyConsumer& consumer, RateGovernor& governor, ApiCallStats& stats)
      : consumer_(consumer), governor_(governor), stats_(stats) {}

  void on_head(const net::HttpResponseHead& head) override {
    head_ = head;
    governor_.observe(head);
    streaming_ = head.status == 200;
  }

  void on_body(std::string_view bytes) override {
    stats_.bytes += bytes.size();
    if (streaming_) {
      consumer_.feed(bytes);
    } else if (error_body_.size() < kErrorBodyLimit) {
      error_body_.append(bytes.substr(0, kErrorBodyLimit - error_body_.size()));
    }
  }

  const net::HttpResponseHead& head() const { return head_; }
  bool streaming() const { return streaming_; }
  const std::string& error_body() const { return error_body_; }

 private:
  BodyConsumer& consumer_;
  RateGovernor& governor_;
  ApiCallStats& stats_;
  net::HttpResponseHead head_;
  bool streaming_ = false;
  std::string error_body_;
};

std::string describe(const SimpleReturn& simple) {
  if (simple.code.empty()) return "Qualys says: " + simple.text;
  std::string text = "Qualys CODE " + simple.code;
  if (!simple.text.empty()) text += " (" + simple.text + ")";
  return text;
}

// Turns a SIMPLE_RETURN/GENERIC_RETURN into the right exception.
[[noreturn]] void throw_for(const SimpleReturn& simple, const net::HttpResponseHead& head,
                            const std::string& where, RateGovernor& governor) {
  if (simple.code == "1965") {
    auto wait = seconds_header(head, "X-RateLimit-ToWait-Sec");
    if (!wait) wait = item_seconds(simple, "SECONDS_TO_WAIT");
    if (wait) governor.pause_for(*wait, "Qualys rate limit, " + describe(simple));
    throw TransientError(where + ": rate limit reached, " + describe(simple),
                         TransientCause::rate_limit, wait);
  }
  if (simple.code == "1960") {
    throw TransientError(where + ": concurrency limit reached, " + describe(simple),
                         TransientCause::concurrency);
  }
  if (simple.code == "999") {
    throw TransientError(where + ": Qualys internal error, " + describe(simple),
                         TransientCause::server_error);
  }
  throw FatalError(where + ": " + describe(simple) + " (HTTP " + std::to_string(head.status) + ")",
                   simple.code);
}

std::optional<milliseconds> wait_hint(const net::HttpResponseHead& head) {
  if (auto wait = seconds_header(head, "X-RateLimit-ToWait-Sec")) return wait;
  return seconds_header(head, "Retry-After");
}

}  // namespace

net::HttpClientOptions http_client_options(const config::QualysConfig& qualys) {
  net::HttpClientOptions options;
  options.resolve_timeout = qualys.resolve_timeout;
  options.connect_timeout = qualys.connect_timeout;
  options.handshake_timeout = qualys.handshake_timeout;
  options.write_timeout = qualys.write_timeout;
  options.idle_read_timeout = qualys.idle_read_timeout;
  options.max_body_bytes = qualys.max_body_bytes;
  options.ca_file = qualys.ca_file.string();
  options.proxy_url = qualys.proxy;
  options.user_agent = qualys.user_agent;
  return options;
}

QualysSession::QualysSession(asio::any_io_executor executor, net::HttpClient& http,
                             Endpoints endpoints, config::Credentials credentials,
                             const config::QualysConfig& config)
    : http_(http),
      endpoints_(std::move(endpoints)),
      credentials_(std::move(credentials)),
      basic_authorization_(net::basic_authorization(credentials_.username, credentials_.password)),
      requested_with_(config.requested_with),
      retry_(RetryPolicy::from(config)),
      governor_(executor, config.max_concurrency, config.rate_limit_reserve,
                config.max_server_wait),
      auth_(http, endpoints_.gateway, credentials_) {}

asio::awaitable<void> QualysSession::wait_for_credentials_check() {
  while (!api_credentials_confirmed_ && api_credentials_check_in_flight_) {
    co_await api_credentials_checked_.wait();
  }
}

void QualysSession::credentials_check_done() {
  api_credentials_check_in_flight_ = false;
  api_credentials_checked_.notify_all();
}

asio::awaitable<void> QualysSession::post_v2(const CallContext& context, const std::string& target,
                                             const std::string& form_body, BodyConsumer& consumer) {
  const std::string where = endpoints_.api.host + path_only(target);
  co_await wait_for_credentials_check();
  if (api_credentials_rejected_) throw FatalError(*api_credentials_rejected_, "401");
  const bool checking_credentials = !api_credentials_confirmed_;
  if (checking_credentials) api_credentials_check_in_flight_ = true;
  struct CheckDone {
    QualysSession* session;
    ~CheckDone() {
      if (session) session->credentials_check_done();
    }
  } check_done{checking_credentials ? this : nullptr};

  net::HttpRequest request;
  request.method = net::http::verb::post;
  request.origin = endpoints_.api;
  request.target = target;
  request.headers = {{"Authorization", basic_authorization_},
                     {"X-Requested-With", requested_with_}};
  request.content_type = "application/x-www-form-urlencoded";
  request.body = form_body;

  ClassifyingSink sink(consumer, governor_, stats_);
  {
    auto permit = co_await governor_.acquire(context.deadline);
    ++stats_.calls;
    co_await http_.send(request, sink);
  }
  const auto& head = sink.head();
  if (head.status != 0 && head.status != 401) api_credentials_confirmed_ = true;
  if (head.status == 200) {
    consumer.finish();
    if (auto simple = consumer.simple_return(); simple && *simple) {
      throw_for(**simple, head, where, governor_);
    }
    co_return;
  }
  auto simple = parse_simple_return(sink.error_body());
  if (head.status == 401) {
    api_credentials_rejected_ =
        where + ": Qualys rejected the API credentials of user '" + credentials_.username +
        "' (HTTP 401" + (simple ? ", " + describe(*simple) : std::string()) +
        "); not retrying, because repeated failures lock Qualys accounts. Fix the credentials "
        "file and reload (SIGHUP).";
    throw FatalError(*api_credentials_rejected_, simple ? simple->code : "401");
  }
  if (head.status == 409) {
    if (simple) throw_for(*simple, head, where, governor_);
    throw TransientError(where + ": HTTP 409 without a SIMPLE_RETURN", wait_hint(head));
  }
  if (head.status == 429) {
    auto wait = wait_hint(head);
    if (wait) governor_.pause_for(*wait, "HTTP 429 Too Many Requests from " + where);
    throw TransientError(where + ": HTTP 429 Too Many Requests", TransientCause::rate_limit, wait);
  }
  if (head.status >= 500) {
    throw TransientError(where + ": HTTP " + std::to_string(head.status) +
                             (simple ? ", " + describe(*simple) : std::string()),
                         TransientCause::server_error);
  }
  if (simple) throw_for(*simple, head, where, governor_);
  throw FatalError(where + ": unexpected HTTP " + std::to_string(head.status),
                   std::to_string(head.status));
}

asio::awaitable<unsigned> QualysSession::send_gateway_once(const CallContext& context,
                                                           const std::string& token,
                                                           const std::string& target,
                                                           const std::string& json_body,
                                                           BodyConsumer& consumer) {
  const std::string where = endpoints_.gateway.host + path_only(target);
  net::HttpRequest request;
  request.method = net::http::verb::post;
  request.origin = endpoints_.gateway;
  request.target = target;
  request.headers = {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
  request.content_type = "application/json";
  request.body = json_body;

  ClassifyingSink sink(consumer, governor_, stats_);
  {
    auto permit = co_await governor_.acquire(context.deadline);
    ++stats_.calls;
    co_await http_.send(request, sink);
  }
  const auto status = sink.head().status;
  if (status == 200) {
    consumer.finish();
    co_return status;
  }
  if (status == 204 || status == 401) co_return status;
  if (status == 429) {
    auto wait = wait_hint(sink.head());
    if (wait) governor_.pause_for(*wait, "HTTP 429 Too Many Requests from " + where);
    throw TransientError(where + ": HTTP 429 Too Many Requests", TransientCause::rate_limit, wait);
  }
  if (status >= 500) {
    throw TransientError(where + ": HTTP " + std::to_string(status), TransientCause::server_error);
  }
  // CSAM error bodies are JSON with responseCode/responseMessage; show their first bytes, which
  // never contain our credentials (the token travels in a header the gateway does not echo).
  std::string snippet = sink.error_body().substr(0, 300);
  for (auto& c : snippet) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  throw FatalError(where + ": HTTP " + std::to_string(status) +
                       (snippet.empty() ? std::string() : ": " + snippet),
                   std::to_string(status));
}

asio::awaitable<unsigned> QualysSession::post_gateway(const CallContext& context,
                                                      const std::string& target,
                                                      const std::string& json_body,
                                                      BodyConsumer& consumer) {
  auto token = co_await auth_.token();
  auto status = co_await send_gateway_once(context, token, target, json_body, consumer);
  if (status != 401) co_return status;
  // The token expired early or was revoked: renew it once and repeat the request.
  auth_.invalidate(token);
  token = co_await auth_.token();
  status = co_await send_gateway_once(context, token, target, json_body, consumer);
  if (status == 401) {
    throw FatalError(endpoints_.gateway.host + path_only(target) +
                         ": HTTP 401 even with a freshly issued token; check the user's CSAM "
                         "API permissions",
                     "401");
  }
  co_return status;
}

std::optional<std::string> QualysSession::api_target_of(std::string_view url) const {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return std::nullopt;
  if (parsed->scheme() != "https") return std::nullopt;
  if (parsed->encoded_host() != endpoints_.api.host) return std::nullopt;
  const auto port = parsed->has_port() ? parsed->port_number() : std::uint16_t{443};
  if (port != endpoints_.api.port) return std::nullopt;
  std::string target(parsed->encoded_path());
  if (target.empty()) target = "/";
  if (parsed->has_query()) {
    target += '?';
    target += parsed->encoded_query();
  }
  return target;
}

}  // namespace qi::qualys
