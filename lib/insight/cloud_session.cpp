#include "insight/cloud_session.hpp"

#include "common/error.hpp"
#include "insight/cloud_answers.hpp"

namespace qi::insight {

JiraRequest cloud_request(http::verb method, std::string url, std::string description) {
  JiraRequest request;
  request.method = method;
  request.url = std::move(url);
  request.description = std::move(description);
  return request;
}

std::string failure_text(const JiraRequest& request, const JiraResponse& response) {
  return request.description + ": HTTP " + std::to_string(response.status) + " from " +
         url_path(request.url) + ": " + atlassian_errors(response.body);
}

void CloudSession::check_host(const JiraRequest& request) const {
  if (url_host(request.url) != host_) {
    throw FatalError(request.description + ": " + url_path(request.url) + " is not on " + host_ +
                     ", where discovery was answered; the container token is not sent there");
  }
}

asio::awaitable<JiraResponse> CloudSession::send(const JiraRequest& request) {
  check_host(request);
  co_return co_await transport_.send(request, context_);
}

asio::awaitable<std::string> CloudSession::call_with(const JiraRequest& request,
                                                     const qualys::CallContext& context) {
  check_host(request);
  JiraResponse response = co_await transport_.send(request, context);
  if (response.status / 100 != 2) throw FatalError(failure_text(request, response));
  co_return std::move(response.body);
}

asio::awaitable<std::string> CloudSession::call(const JiraRequest& request) {
  co_return co_await call_with(request, context_);
}

asio::awaitable<std::string> CloudSession::call_within(const JiraRequest& request,
                                                       std::chrono::milliseconds timeout) {
  qualys::CallContext context = context_;
  context.deadline = std::chrono::steady_clock::now() + timeout;
  co_return co_await call_with(request, context);
}

}  // namespace qi::insight
