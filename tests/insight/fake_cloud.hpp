// A scripted Assets Cloud behind the JiraTransport seam, for the importer's protocol edge cases:
// it answers each link the way the documented API does, records every request with its call
// context, lets a test replace any answer, and can hold a data chunk unanswered until the push is
// cancelled.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "insight/cloud_answers.hpp"
#include "insight/jira_transport.hpp"

namespace qi::insight::testing {

inline const std::string kInfoUrl = "https://assets.test/jsm/assets/v1/imports/info";

class FakeCloud final : public JiraTransport {
 public:
  std::string link_host = "assets.test";
  std::string status = "IDLE";
  std::optional<std::string> mapping = std::string("{}");  // what the mapping link holds
  std::string execution_status = "DONE";
  // Returns an answer to use instead of the scripted one.
  std::function<std::optional<JiraResponse>(const JiraRequest&)> script;
  // A data chunk is held until the coroutine is cancelled; on_hold runs first.
  bool hold_data = false;
  std::function<void()> on_hold;

  std::vector<JiraRequest> requests;
  std::vector<qualys::CallContext> contexts;

  std::string base() const {
    return "https://" + link_host + "/jsm/assets/workspace/ws/v1/importsource/7";
  }
  std::string execution() const { return base() + "/executions/e1"; }

  std::size_t count(http::verb method, std::string_view path_end) const {
    std::size_t n = 0;
    for (const auto& r : requests) n += r.method == method && r.url.ends_with(path_end) ? 1 : 0;
    return n;
  }

  asio::awaitable<JiraResponse> send(const JiraRequest& request,
                                     const qualys::CallContext& context) override {
    requests.push_back(request);
    contexts.push_back(context);
    if (hold_data && request.url.ends_with("/data")) {
      if (on_hold) on_hold();
      asio::steady_timer never(co_await asio::this_coro::executor);
      never.expires_after(std::chrono::hours(1));
      co_await never.async_wait(asio::use_awaitable);
    }
    if (script) {
      if (auto answer = script(request)) co_return *answer;
    }
    co_return answer(request);
  }

 private:
  JiraResponse answer(const JiraRequest& r) {
    const auto ok = [](std::string body) { return JiraResponse{200, std::move(body), {}}; };
    if (r.url == kInfoUrl) {
      return ok(R"({"links":{"getStatus":")" + base() + R"(/configstatus","start":")" + base() +
                R"(/executions","mapping":")" + base() + R"(/mapping"}})");
    }
    if (r.url.ends_with("/configstatus")) {
      std::string body = R"({"status":")" + status + "\"";
      if (status == "RUNNING") {
        body += R"(,"links":{"cancel":")" + execution() + R"(","getExecutionStatus":")" +
                execution() + R"(/status"})";
        status = "IDLE";  // after the leftover is dealt with
      }
      return ok(body + "}");
    }
    if (r.url.ends_with("/mapping")) {
      if (r.method == http::verb::put) {
        mapping = r.json_body;
        return ok("{}");
      }
      if (!mapping) return {404, R"({"errorMessages":["No mapping"]})", {}};
      return ok(*mapping);
    }
    if (r.url.ends_with("/executions")) {
      const std::string e = execution();
      return ok(R"({"id":"e1","links":{"submitResults":")" + e + R"(/data","submitProgress":")" +
                e + R"(/progress","getExecutionStatus":")" + e + R"(/status","cancel":")" + e +
                R"("}})");
    }
    if (r.url.ends_with("/status")) {
      return ok(R"({"status":")" + execution_status +
                R"(","progressResult":{"objectTypeResultMap":{"h":{"objectTypeName":"Host",)"
                R"("objectsCreated":2,"objectsUpdated":0,"objectsFailed":0}}}})");
    }
    if (r.method == http::verb::delete_) return {204, "", {}};
    return ok("{}");  // data, progress
  }
};

}  // namespace qi::insight::testing
