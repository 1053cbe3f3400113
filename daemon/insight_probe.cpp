#include "insight_probe.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <rapidjson/document.h>

#include <optional>
#include <utility>

namespace qi::daemon {

namespace {

namespace asio = boost::asio;

// Long enough for the transport's retries of one 503, short enough for a command.
constexpr auto kProbeTimeout = std::chrono::minutes(2);

insight::JiraRequest get(std::string url, std::string description) {
  insight::JiraRequest request;
  request.url = std::move(url);
  request.description = std::move(description);
  return request;
}

qualys::CallContext probe_context() {
  return {"insight", std::chrono::steady_clock::now() + kProbeTimeout, "check-online", nullptr};
}

// A string member of a JSON object, nested by `path`; nullopt when absent or not a string.
std::optional<std::string> json_string(const std::string& body,
                                       std::initializer_list<const char*> path) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  if (doc.HasParseError()) return std::nullopt;
  const rapidjson::Value* value = &doc;
  for (const char* key : path) {
    if (!value->IsObject()) return std::nullopt;
    const auto it = value->FindMember(key);
    if (it == value->MemberEnd()) return std::nullopt;
    value = &it->value;
  }
  if (!value->IsString()) return std::nullopt;
  return std::string(value->GetString(), value->GetStringLength());
}

// "https://host[:port]" of an absolute URL.
std::string origin_of(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  return url.substr(0, url.find('/', scheme + 3));
}

asio::awaitable<std::vector<ProbeFinding>> probe_datacenter(insight::JiraTransport& transport,
                                                            const config::InsightConfig& config) {
  std::vector<std::string> roots;
  if (config.api_root == "auto") {
    roots = {"/rest/assets/1.0", "/rest/insight/1.0"};
  } else {
    roots = {config.api_root};
  }
  struct Source {
    const char* key;  // under insight.imports
    const char* file;
    std::optional<std::int64_t> id;
  };
  const Source sources[] = {{"assets", "assets.csv", config.imports.assets},
                            {"vulnkb", "vulnkb.csv", config.imports.vulnkb},
                            {"cve", "cve.csv", config.imports.cve},
                            {"vm", "vm.csv", config.imports.vm}};
  std::vector<ProbeFinding> findings;
  for (const auto& [key, file, id] : sources) {
    if (!id) continue;
    std::optional<ProbeFinding> finding;
    for (const auto& root : roots) {
      // Named, not temporaries inside the co_await: GCC 12 destroys such temporaries wrongly.
      const auto request =
          get(fmt::format("{}{}/progress/category/imports/{}", config.url, root, *id),
              fmt::format("progress of import source {}", *id));
      const auto context = probe_context();
      const auto response = co_await transport.send(request, context);
      if (response.status == 404) continue;
      if (response.status / 100 == 2) {
        const auto status = json_string(response.body, {"status"});
        finding = {true, fmt::format("import source {} ({}): found under {}, status {}", *id, file,
                                     root, status.value_or("not given"))};
      } else {
        finding = {false, fmt::format("import source {} ({}): HTTP {} under {}", *id, file,
                                      response.status, root)};
      }
      break;
    }
    if (!finding) {
      finding = {false, fmt::format("import source {} ({}): 404 under {}: no such import source "
                                    "(insight.imports.{}; the ID is in the import's URL in Assets)",
                                    *id, file, fmt::join(roots, " and "), key)};
    }
    findings.push_back(std::move(*finding));
  }
  co_return findings;
}

asio::awaitable<std::vector<ProbeFinding>> probe_cloud(insight::JiraTransport& transport,
                                                       const config::InsightConfig& config) {
  const auto info_url = config.cloud.info_url;
  const auto info_request = get(info_url, "the import's links (insight.cloud.info_url)");
  const auto context = probe_context();
  const auto info = co_await transport.send(info_request, context);
  if (info.status / 100 != 2) {
    co_return std::vector<ProbeFinding>{
        {false, fmt::format("insight.cloud.info_url answered HTTP {}", info.status)}};
  }
  const auto link = json_string(info.body, {"links", "getStatus"});
  if (!link) {
    co_return std::vector<ProbeFinding>{
        {false, "insight.cloud.info_url answered without a links.getStatus link"}};
  }
  if (origin_of(*link) != origin_of(info_url)) {
    co_return std::vector<ProbeFinding>{
        {false, fmt::format("the getStatus link points at {}, not at the host of "
                            "insight.cloud.info_url ({}); not followed",
                            origin_of(*link), origin_of(info_url))}};
  }
  const auto status_request = get(*link, "the import's status (getStatus)");
  const auto answer = co_await transport.send(status_request, context);
  const auto status = json_string(answer.body, {"status"});
  if (answer.status / 100 != 2 || !status) {
    co_return std::vector<ProbeFinding>{
        {false, fmt::format("getStatus answered HTTP {}", answer.status)}};
  }
  std::string note;
  if (*status == "MISSING_MAPPING") note = "; the first import puts our mapping";
  if (*status == "RUNNING") note = "; an import is running now";
  if (*status == "DISABLED") {
    co_return std::vector<ProbeFinding>{
        {false, "the Assets Cloud import is DISABLED: enable it in Assets (Import)"}};
  }
  co_return std::vector<ProbeFinding>{
      {true, fmt::format("Assets Cloud import found, token accepted, status {}{}", *status, note)}};
}

}  // namespace

asio::awaitable<std::vector<ProbeFinding>> probe_insight(insight::JiraTransport& transport,
                                                         const config::InsightConfig& config) {
  if (config.mode == config::InsightMode::cloud) co_return co_await probe_cloud(transport, config);
  co_return co_await probe_datacenter(transport, config);
}

}  // namespace qi::daemon
