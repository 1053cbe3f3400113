// Which endpoint family a request belongs to: the unit of faults, stats and the request log.
#include "assets_sim/core.hpp"

namespace qi::assets_sim {

namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    const auto slash = path.find('/');
    if (slash != 0) out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace

std::string family_of(std::string_view method, std::string_view path) {
  for (const std::string_view root : {"/rest/assets/1.0/", "/rest/insight/1.0/"}) {
    if (!path.starts_with(root)) continue;
    const auto rest = path.substr(root.size());
    if (rest.starts_with("progress/category/imports/")) return "dc-progress";
    if (rest.starts_with("import/start/")) return "dc-start";
    return "other";
  }
  if (path == "/jsm/assets/v1/imports/info") return "info";
  // /jsm/assets/workspace/{ws}/v1/importsource/{id}/...
  const auto s = segments(path);
  if (s.size() < 7 || s[0] != "jsm" || s[1] != "assets" || s[2] != "workspace" || s[4] != "v1" ||
      s[5] != "importsource") {
    return "other";
  }
  if (s.size() == 8 && s[7] == "configstatus") return "status";
  if (s.size() == 8 && s[7] == "mapping") return "mapping";
  if (s.size() < 8 || s[7] != "executions") return "other";
  if (s.size() == 8) return "start";
  if (s.size() == 9) return method == "DELETE" ? "cancel" : "other";
  if (s.size() != 10) return "other";
  if (s[9] == "data") return "data";
  if (s[9] == "progress") return "progress";
  if (s[9] == "status") return "execstatus";
  return "other";
}

}  // namespace qi::assets_sim
