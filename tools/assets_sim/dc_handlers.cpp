// Data Center: GET progress/category/imports/{id} and POST import/start/{id} under
// /rest/assets/1.0 and the deprecated /rest/insight/1.0 (either can be switched off: 404), with
// Basic or personal-access-token (Bearer) authentication and the XSRF header on POST.
#include "assets_sim/core.hpp"
#include "qualys_sim/sim_util.hpp"

namespace qi::assets_sim {

namespace {

bool root_enabled(const DcOptions& options, std::string_view path) {
  if (path.starts_with("/rest/assets/1.0/")) return options.assets_root;
  return options.insight_root;
}

bool authenticated(const DcOptions& options, std::string_view authorization) {
  if (authorization.starts_with("Bearer ")) return authorization.substr(7) == options.token;
  if (!authorization.starts_with("Basic ")) return false;
  const auto decoded = qi::sim::base64_decode(authorization.substr(6));
  return decoded && *decoded == options.username + ":" + options.password;
}

std::optional<std::int64_t> import_id(std::string_view path) {
  return qi::sim::parse_int(path.substr(path.rfind('/') + 1));
}

}  // namespace

asio::awaitable<void> handle_dc(Exchange& ex) {
  const DcOptions& options = ex.core.options().dc;
  if (!root_enabled(options, ex.path)) {
    co_await reply(ex, 404, error_messages_json("Not found: " + ex.path));
    co_return;
  }
  if (!authenticated(options, ex.request[http::field::authorization])) {
    ex.core.count(&Stats::auth_failed);
    Headers challenge = {{"WWW-Authenticate", "Basic realm=\"protected-area\""}};
    co_await reply(ex, 401, error_messages_json("You are not authenticated"), std::move(challenge));
    co_return;
  }
  const bool is_start = ex.family == "dc-start";
  const auto method = ex.request.method();
  if (method != (is_start ? http::verb::post : http::verb::get)) {
    co_await reply(ex, 405, error_messages_json("Method not allowed"));
    co_return;
  }
  if (is_start && ex.request["X-Atlassian-Token"] != "no-check") {
    // Jira's XSRF protection refuses a POST without the header.
    co_await reply(ex, 403, error_messages_json("XSRF check failed"));
    co_return;
  }
  const auto id = import_id(ex.path);
  const DcClock now = DcClock::now();
  const bool failing = ex.fault && ex.fault->kind == FaultKind::failed_run;
  const auto [status, body] =
      ex.core.with_dc([&](DcImports& dc) -> std::pair<unsigned, std::string> {
        if (!id || !dc.known(*id)) {
          return {404, error_messages_json("No import source with id " +
                                           ex.path.substr(ex.path.rfind('/') + 1))};
        }
        if (!is_start) return {200, dc.progress_json(*id, now) + "\n"};
        switch (dc.start(*id, now, failing)) {
          case DcImports::Start::already_running:
            // What Jira answers here is not documented; a conflict is our choice.
            return {409, error_messages_json("Import source " + std::to_string(*id) +
                                             " is already running")};
          default:
            return {200, dc.progress_json(*id, now) + "\n"};
        }
      });
  co_await reply(ex, status, body);
}

}  // namespace qi::assets_sim
