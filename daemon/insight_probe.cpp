#include "insight_probe.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include <optional>
#include <utility>

#include "common/error.hpp"
#include "insight/dc_api.hpp"

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

// Each source's progress through the importer's own calls (dc_api.hpp: the REST root found as
// the job finds it). A 404 for one source is a finding; 401/403 end the probe (transport).
asio::awaitable<std::vector<ProbeFinding>> probe_datacenter(insight::JiraTransport& transport,
                                                            const config::InsightConfig& config) {
  const auto context = probe_context();
  insight::DcApi api(transport, config, context);
  std::vector<ProbeFinding> findings;
  // Named, and no conditional expression around two co_awaits: GCC 12 mishandles temporaries
  // there.
  const auto sources = insight::dc_sources(config.imports);
  for (const auto& source : sources) {
    try {
      insight::DcProgress progress;
      if (api.root().empty()) {
        progress = co_await api.find_root(source);
      } else {
        progress = co_await api.progress(source);
      }
      findings.push_back(
          {true, fmt::format("{}: found under {}, status {}", source.what(), api.root(),
                             progress.status.empty() ? "not given" : progress.status)});
    } catch (const FatalError& error) {
      findings.push_back({false, fmt::format("{} (insight.imports.{})", error.what(), source.key)});
    }
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
