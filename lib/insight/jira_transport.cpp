#include "insight/jira_transport.hpp"

#include <fmt/format.h>

#include <boost/url/parse.hpp>
#include <stdexcept>

#include "common/error.hpp"
#include "common/log.hpp"
#include "config/credentials.hpp"
#include "insight/request_rate_limiter.hpp"
#include "insight/retry_after.hpp"
#include "net/form_encoding.hpp"
#include "net/origin.hpp"

namespace qi::insight {

using namespace std::chrono;

namespace {

constexpr std::size_t kSnippetLimit = 300;

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The Authorization value and the secret inside it: the secret is kept only to strip it from any
// text that might echo it back (an error body from a proxy in between).
struct Authorization {
  std::string header;
  std::string secret;
};

Authorization read_authorization(const JiraCredential& credential) {
  if (credential.kind == JiraCredential::Kind::bearer_token) {
    auto token = config::load_token(credential.file);
    return {"Bearer " + token, token};
  }
  auto login = config::load_login(credential.file);
  return {net::basic_authorization(login.user, login.password), login.password};
}

// Where a request goes: the origin and target on the wire, and the redacted text for messages.
struct Destination {
  net::Origin origin;
  std::string target;
  std::string where;  // host[:port]/path, never the query
};

Destination destination_of(const JiraRequest& request) {
  auto parsed = boost::urls::parse_uri(request.url);
  if (!parsed) {
    throw FatalError(request.description + ": not a URL (" + parsed.error().message() + ")");
  }
  if (parsed->scheme() != "https" || parsed->has_userinfo()) {
    // Credentials go to Jira over verified TLS only, and never to a URL that names a user.
    throw FatalError(request.description + ": refusing to send credentials to " +
                     std::string(parsed->scheme()) + "://" + std::string(parsed->encoded_host()) +
                     std::string(parsed->encoded_path()) +
                     ": only https URLs without user information are allowed");
  }
  Destination destination;
  try {
    destination.origin =
        net::parse_origin("https://" + std::string(parsed->encoded_host_and_port()));
  } catch (const std::invalid_argument& error) {
    throw FatalError(request.description + ": " + error.what());
  }
  destination.target = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
  if (parsed->has_query()) destination.target += "?" + std::string(parsed->encoded_query());
  destination.where = net::describe_target(destination.origin, destination.target);
  return destination;
}

// Keeps the head and at most max_bytes of the body; a longer body aborts the request.
class CollectingSink final : public net::ResponseSink {
 public:
  CollectingSink(std::uint64_t max_bytes, const std::string& where)
      : max_bytes_(max_bytes), where_(where) {}

  void on_head(const net::HttpResponseHead& head) override {
    response_.status = head.status;
    response_.headers = head.headers;
  }
  void on_body(std::string_view bytes) override {
    if (response_.body.size() + bytes.size() > max_bytes_) {
      throw FatalError(fmt::format("{}: HTTP {} response body is over {} bytes; refused", where_,
                                   response_.status, max_bytes_));
    }
    response_.body.append(bytes);
  }
  JiraResponse take() { return std::move(response_); }

 private:
  std::uint64_t max_bytes_;
  const std::string& where_;
  JiraResponse response_;
};

class HttpJiraTransport final : public JiraTransport {
 public:
  HttpJiraTransport(net::HttpClient& client, JiraTransportOptions options,
                    Authorization authorization)
      : client_(client),
        options_(std::move(options)),
        authorization_(std::move(authorization)),
        limiter_(options_.requests_per_minute, minutes(1), "requests_per_minute") {}

  asio::awaitable<JiraResponse> send(const JiraRequest& request,
                                     const qualys::CallContext& context) override {
    const Destination destination = destination_of(request);
    net::HttpRequest http_request;
    http_request.method = request.method;
    http_request.origin = destination.origin;
    http_request.target = destination.target;
    http_request.headers = {{"Authorization", authorization_.header},
                            {"Accept", "application/json"},
                            {"X-Atlassian-Token", "no-check"}};
    // Jira's XSRF check also looks at the content type of a POST without a body.
    http_request.content_type = "application/json";
    http_request.body = request.json_body;

    JiraResponse response;
    const qualys::Attempt attempt = [&](int) -> asio::awaitable<void> {
      co_await limiter_.acquire(context);
      CollectingSink sink(options_.max_body_bytes, destination.where);
      co_await client_.send(http_request, sink);
      response = sink.take();
      classify(response, request.description, destination.where);
    };
    co_await qualys::run_with_retries(context, options_.retry, request.description, attempt);
    log::write(spdlog::level::debug,
               fmt::format("{}: {} {} {}: HTTP {}", context.job, request.description,
                           http::to_string(request.method), destination.where, response.status),
               {{"JOB", context.job}, {"RUN_ID", context.run_id}});
    co_return response;
  }

 private:
  // Throws for what the transport handles itself: credentials refused (FatalError, naming the
  // request) and retryable statuses (TransientError; run_with_retries names the request).
  void classify(const JiraResponse& response, const std::string& description,
                const std::string& where) const {
    const unsigned status = response.status;
    if (status == 401 || status == 403) {
      throw FatalError(description + ": " + refused(response, where), std::to_string(status));
    }
    if (status == 429 || status == 503) {
      const auto header = response.header("Retry-After");
      const auto wait = header ? parse_retry_after(*header, system_clock::now()) : std::nullopt;
      const auto text =
          fmt::format("{}: HTTP {}{}", where, status,
                      wait ? fmt::format(", Retry-After {:.0f} s", duration<double>(*wait).count())
                           : std::string());
      if (wait && *wait > options_.retry.max_server_wait) {
        // Said here in Jira's terms: run_with_retries would name Qualys.
        throw FatalError(
            fmt::format("{}: {}; Jira asks for a longer wait than the {:.0f} s we wait "
                        "for a server; failing now instead of waiting",
                        description, text,
                        duration<double>(options_.retry.max_server_wait).count()),
            std::to_string(status));
      }
      throw TransientError(
          text, status == 429 ? TransientCause::rate_limit : TransientCause::server_error, wait);
    }
    if (status >= 500) {
      throw TransientError(fmt::format("{}: HTTP {}{}", where, status, snippet(response.body)),
                           TransientCause::server_error);
    }
  }

  std::string refused(const JiraResponse& response, const std::string& where) const {
    const auto& file = options_.credential.file;
    const bool token = options_.credential.kind == JiraCredential::Kind::bearer_token;
    const std::string what =
        token ? "the token in " + file.string() : "the user and password in " + file.string();
    if (response.status == 401) {
      return fmt::format(
          "{}: HTTP 401{}: Jira did not accept {} (wrong, expired, revoked or regenerated); not "
          "retrying. Put a valid one in that file and reload (SIGHUP)",
          where, snippet(response.body), what);
    }
    return fmt::format(
        "{}: HTTP 403{}: the account of {} may not do this; it needs the Assets schema manager "
        "role for the import source's object schema",
        where, snippet(response.body), what);
  }

  // The first bytes of an error body on one line, without our secret, for the message.
  std::string snippet(std::string_view body) const {
    std::string text(body.substr(0, kSnippetLimit));
    for (auto& c : text) {
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    for (const auto* secret : {&authorization_.secret, &authorization_.header}) {
      if (secret->empty()) continue;
      for (auto at = text.find(*secret); at != std::string::npos; at = text.find(*secret)) {
        text.replace(at, secret->size(), "***");
      }
    }
    return text.empty() ? text : " (" + text + ")";
  }

  net::HttpClient& client_;
  JiraTransportOptions options_;
  Authorization authorization_;
  RequestRateLimiter limiter_;
};

}  // namespace

std::optional<std::string> JiraResponse::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (same_name(h.name, name)) return h.value;
  }
  return std::nullopt;
}

std::unique_ptr<JiraTransport> make_jira_transport(net::HttpClient& client,
                                                   JiraTransportOptions options) {
  auto authorization = read_authorization(options.credential);
  return std::make_unique<HttpJiraTransport>(client, std::move(options), std::move(authorization));
}

}  // namespace qi::insight
