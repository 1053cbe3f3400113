// Control endpoints (no authentication, never faulted, never rate limited) for scripts and tests
// that drive the assets-sim executable: stats, faults, the stored objects, the DC start order,
// a regenerated container token, an import source switched off.
#include <sstream>

#include "assets_sim/core.hpp"

namespace qi::assets_sim {

namespace {

struct ControlReply {
  unsigned status = 200;
  std::string body;
};

ControlReply add_faults(AssetsCore& core, const std::string& body) {
  std::vector<FaultRule> rules;
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.front() == '#') continue;
    try {
      rules.push_back(parse_fault_spec(line));
    } catch (const std::invalid_argument& e) {
      return {400, std::string(e.what()) + "\n"};
    }
  }
  for (auto& rule : rules) core.add_fault(std::move(rule));
  return {200, std::to_string(rules.size()) + " fault(s) added\n"};
}

ControlReply control(AssetsCore& core, const Request& request, const std::string& target) {
  const std::string path = target.substr(0, target.find('?'));
  const std::string query = target.size() > path.size() ? target.substr(path.size() + 1) : "";
  const auto method = request.method();
  if (path == "/__assets/stats") return {200, core.stats().to_json()};
  if (path == "/__assets/faults" && method == http::verb::post) {
    return add_faults(core, request.body());
  }
  if (path == "/__assets/faults" && method == http::verb::delete_) {
    core.clear_faults();
    return {200, "faults cleared\n"};
  }
  if (path == "/__assets/objects") {
    return {200, core.with_cloud([](CloudStore& cloud) {
              cloud.running(std::chrono::steady_clock::now());
              return objects_json(cloud.objects());
            })};
  }
  if (path == "/__assets/dc/starts") {
    std::string out = "[";
    for (const auto id : core.with_dc([](DcImports& dc) { return dc.starts(); })) {
      out += (out.size() > 1 ? "," : "") + std::to_string(id);
    }
    return {200, out + "]\n"};
  }
  if (path == "/__assets/cloud/regenerate-token" && method == http::verb::post) {
    return {200,
            core.with_cloud([](CloudStore& cloud) { return cloud.regenerate_token(); }) + "\n"};
  }
  if (path == "/__assets/cloud/disabled" && method == http::verb::post) {
    const bool disabled = query != "value=false";
    core.with_cloud([&](CloudStore& cloud) { cloud.set_disabled(disabled); });
    return {200, disabled ? "disabled\n" : "enabled\n"};
  }
  return {404, "unknown control endpoint " + path + "\n"};
}

}  // namespace

asio::awaitable<void> handle_control(AssetsCore& core, Stream& stream, const Request& request,
                                     const std::string& target) {
  const ControlReply r = control(core, request, target);
  std::atomic<std::uint64_t> bytes{0};
  qi::sim::ResponseWriter writer(stream, {}, {}, bytes);
  writer.set_keep_alive(request.keep_alive());
  const bool json = r.status == 200 && (r.body.starts_with('{') || r.body.starts_with('['));
  const Headers headers = {
      {"Content-Type", json ? "application/json" : "text/plain; charset=utf-8"}};
  co_await writer.send(r.status, headers, r.body);
}

}  // namespace qi::assets_sim
