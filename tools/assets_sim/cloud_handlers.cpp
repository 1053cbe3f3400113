// Assets Cloud external import: imports/info (the links bound to the container token), then the
// import source's configstatus, mapping and executions, and an execution's data, progress,
// status and cancel. Every call needs the current container token and counts against the rate
// limit.
#include <rapidjson/document.h>

#include "assets_sim/core.hpp"

namespace qi::assets_sim {

namespace {

struct Target {
  std::string workspace;
  std::string import_source;
  std::string execution;
};

Target target_of(std::string_view path) {
  // /jsm/assets/workspace/{ws}/v1/importsource/{id}[/executions/{exec}/...]
  std::vector<std::string> s;
  for (std::size_t at = 1; at <= path.size();) {
    const auto slash = std::min(path.find('/', at), path.size());
    s.emplace_back(path.substr(at, slash - at));
    at = slash + 1;
  }
  Target t;
  if (s.size() > 6) t.workspace = s[3], t.import_source = s[6];
  if (s.size() > 8) t.execution = s[8];
  return t;
}

std::string base_link(const Exchange& ex) {
  const CloudOptions& o = ex.core.options().cloud;
  const std::string host =
      o.link_host.empty() ? std::string(ex.request[http::field::host]) : o.link_host;
  return "https://" + host + "/jsm/assets/workspace/" + o.workspace_id + "/v1/importsource/" +
         std::to_string(o.import_source_id);
}

std::string execution_links(const std::string& base, const std::string& id) {
  const std::string exec = base + "/executions/" + id;
  return "{\"submitResults\":\"" + exec + "/data\",\"submitProgress\":\"" + exec +
         "/progress\",\"getExecutionStatus\":\"" + exec + "/status\",\"cancel\":\"" + exec + "\"}";
}

bool is_json_object(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  return !doc.HasParseError() && doc.IsObject();
}

Reply wrong_method() {
  return {405, error_messages_json("Method not allowed")};
}

// The answer of one authenticated, rate-limited request (under the core's lock).
Reply serve_cloud(const Exchange& ex, CloudStore& cloud) {
  const auto now = std::chrono::steady_clock::now();
  const auto method = ex.request.method();
  const std::string base = base_link(ex);
  const std::string& f = ex.family;
  if (f == "info") {
    if (method != http::verb::get) return wrong_method();
    return {200, "{\"links\":{\"getStatus\":\"" + base + "/configstatus\",\"start\":\"" + base +
                     "/executions\",\"mapping\":\"" + base + "/mapping\"}}\n"};
  }
  if (f == "status") {
    if (method != http::verb::get) return wrong_method();
    const std::string status = cloud.config_status(now);
    std::string body = "{\"status\":\"" + status + "\"";
    if (const Execution* running = status == "RUNNING" ? cloud.running(now) : nullptr) {
      const std::string exec = base + "/executions/" + running->id;
      body +=
          ",\"links\":{\"cancel\":\"" + exec + "\",\"getExecutionStatus\":\"" + exec + "/status\"}";
    }
    return {200, body + "}\n"};
  }
  if (f == "mapping") {
    if (method == http::verb::put) return cloud.put_mapping(ex.request.body(), now);
    if (method != http::verb::get) return wrong_method();
    if (!cloud.mapping()) return {404, error_messages_json("No mapping has been submitted")};
    return {200, cloud.mapping()->document};
  }
  if (f == "start") {
    if (method != http::verb::post) return wrong_method();
    Reply started = cloud.start(now);
    if (started.status != 200) return started;
    return {200, "{\"id\":\"" + started.body +
                     "\",\"links\":" + execution_links(base, started.body) + "}\n"};
  }
  Execution* execution = cloud.execution(target_of(ex.path).execution, now);
  if (!execution) return {404, error_messages_json("No such execution")};
  if (f == "data") {
    if (method != http::verb::post) return wrong_method();
    return cloud.submit(*execution, ex.request.body(), now);
  }
  if (f == "progress") {
    if (method != http::verb::put) return wrong_method();
    if (!is_json_object(ex.request.body())) {
      return {400, error_messages_json("The progress body is not a JSON object")};
    }
    execution->progress = ex.request.body();
    return {200, "{}\n"};
  }
  if (f == "execstatus") {
    if (method != http::verb::get) return wrong_method();
    return {200, cloud.status_json(*execution)};
  }
  return cloud.cancel(*execution);  // "cancel" is a DELETE by its family
}

}  // namespace

asio::awaitable<void> handle_cloud(Exchange& ex) {
  const CloudOptions& options = ex.core.options().cloud;
  const std::string authorization(ex.request[http::field::authorization]);
  const bool token_ok = ex.core.with_cloud(
      [&](CloudStore& cloud) { return authorization == "Bearer " + cloud.token(); });
  if (!token_ok) {
    ex.core.count(&Stats::auth_failed);
    Headers challenge = {{"WWW-Authenticate", "Bearer"}};
    co_await reply(ex, 401, error_messages_json("The container token is not valid"),
                   std::move(challenge));
    co_return;
  }
  if (const auto wait = ex.core.over_rate_limit()) {
    Headers retry = {{"Retry-After", std::to_string(*wait)}};
    co_await reply(ex, 429, error_messages_json("Rate limit exceeded"), std::move(retry));
    co_return;
  }
  if (ex.family != "info") {
    const Target t = target_of(ex.path);
    if (t.workspace != options.workspace_id) {
      co_await reply(ex, 404, error_messages_json("No workspace " + t.workspace));
      co_return;
    }
    if (t.import_source != std::to_string(options.import_source_id)) {
      // The container token is bound to one import source.
      co_await reply(ex, 403,
                     error_messages_json("The token does not grant access to import "
                                         "source " +
                                         t.import_source));
      co_return;
    }
  }
  const Reply r = ex.core.with_cloud([&](CloudStore& cloud) { return serve_cloud(ex, cloud); });
  co_await reply(ex, r.status, r.body);
}

}  // namespace qi::assets_sim
