// The requests of one Cloud push: each goes through the JiraTransport (credential, rate limit,
// retries) and only to the host that answered discovery, since the container token must reach no
// other. An answer outside 2xx becomes a qi::FatalError that names the step, the URL's path and
// Atlassian's messages (cloud_answers.hpp). Owned by CloudImporter::import.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>

#include "insight/jira_transport.hpp"
#include "qualys/retry.hpp"

namespace qi::insight {

class CloudSession {
 public:
  CloudSession(JiraTransport& transport, qualys::CallContext context, std::string host)
      : transport_(transport), context_(std::move(context)), host_(std::move(host)) {}

  const std::string& host() const { return host_; }
  const qualys::CallContext& context() const { return context_; }

  // Whatever status the transport returns (it throws on 401 and 403 itself).
  asio::awaitable<JiraResponse> send(const JiraRequest& request);
  // The body of a 2xx answer; any other status is a FatalError.
  asio::awaitable<std::string> call(const JiraRequest& request);
  // call() with a deadline of its own, `timeout` from now: what a push that ran out of time
  // still sends to cancel its execution (the caller clears its coroutine's cancellation first).
  asio::awaitable<std::string> call_within(const JiraRequest& request,
                                           std::chrono::milliseconds timeout);

 private:
  asio::awaitable<std::string> call_with(const JiraRequest& request,
                                         const qualys::CallContext& context);
  void check_host(const JiraRequest& request) const;

  JiraTransport& transport_;
  qualys::CallContext context_;
  std::string host_;
};

// A request without a body. Made outside the coroutines: GCC 12 rejects an aggregate initialised
// from string literals inside one ("array used as initializer").
JiraRequest cloud_request(http::verb method, std::string url, std::string description);

// The FatalError text for an answer outside 2xx: "<description>: HTTP <status> from <path>:
// <Atlassian's messages>".
std::string failure_text(const JiraRequest& request, const JiraResponse& response);

}  // namespace qi::insight
