// How the insight job talks to Jira: one request at a time to Jira Data Center or to Assets
// Cloud, with our credentials, limits and retries. The production transport (made by
// make_jira_transport) sends over net::HttpClient (verified TLS, insight.ca_file, insight.proxy);
// tests substitute their own. The importers (importer.hpp) only say what to ask and read what
// came back.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "net/http_client.hpp"
#include "qualys/retry.hpp"

namespace qi::insight {

namespace asio = boost::asio;
namespace http = boost::beast::http;

struct JiraRequest {
  http::verb method = http::verb::get;
  // Absolute https URL ("https://jira.example.com/rest/assets/1.0/import/start/12", or a link
  // Assets Cloud returned). Only its path reaches logs and error text, never its query.
  std::string url;
  std::string json_body;  // sent as application/json when not empty
  // What the request does, for logs and error text: "start import source 12".
  std::string description;
};

struct JiraResponse {
  unsigned status = 0;
  std::string body;  // at most JiraTransportOptions::max_body_bytes
  std::optional<std::string> header(std::string_view name) const;
  std::vector<net::Header> headers;
};

// Which credential goes into every request: a token (Bearer: a Data Center personal access
// token or the Cloud import's container token) or a user and password (Basic). The transport
// reads the secret from the file when it is made; only the file's path ever appears in text.
struct JiraCredential {
  enum class Kind { bearer_token, basic_login };
  Kind kind = Kind::bearer_token;
  std::filesystem::path
      file;  // insight.token_file, insight.credentials_file, insight.cloud.token_file
};

struct JiraTransportOptions {
  JiraCredential credential;
  qualys::RetryPolicy retry;  // attempts, backoff, the longest server-requested wait
  // At most this many requests start per minute (Assets Cloud allows about 1,000); 0: no limit.
  // Every wait it imposes is logged with its reason.
  int requests_per_minute = 0;
  std::uint64_t max_body_bytes = 4 << 20;  // a response over this is refused (FatalError)
};

class JiraTransport {
 public:
  virtual ~JiraTransport() = default;

  // Sends `request` with Authorization, Accept: application/json and
  // X-Atlassian-Token: no-check. Retries (qualys::run_with_retries, counting into
  // context.retries) on network failures, 429 and 503 (honouring Retry-After) and other 5xx,
  // logging each wait with its reason; a Retry-After longer than retry.max_server_wait fails at
  // once. Throws qi::FatalError at once on 401 and 403, naming the credential file (never its
  // content). Returns every other status (2xx, 404, other 4xx) to
  // the caller, who knows what a 404 means for this request.
  virtual asio::awaitable<JiraResponse> send(const JiraRequest& request,
                                             const qualys::CallContext& context) = 0;
};

// Throws qi::ConfigError when the credential file cannot be read.
std::unique_ptr<JiraTransport> make_jira_transport(net::HttpClient& client,
                                                   JiraTransportOptions options);

}  // namespace qi::insight
