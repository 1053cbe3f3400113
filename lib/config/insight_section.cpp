#include "config/insight_section.hpp"

#include <array>
#include <limits>
#include <set>
#include <string_view>

#include "config/url_checks.hpp"

namespace qi::config {
namespace {

using Seen = std::set<std::string, std::less<>>;

constexpr std::array<std::string_view, 5> kDatacenterKeys = {
    "url", "token_file", "credentials_file", "api_root", "imports"};
constexpr std::array<std::string_view, 1> kCloudKeys = {"cloud"};

// Checked here rather than by Jira: a wrong root only shows as a 404 at the first import.
std::optional<std::string> api_root_problem(std::string_view root) {
  constexpr std::string_view kPrefix = "/rest/";
  const std::string reason =
      "expected auto or a REST root such as /rest/assets/1.0 or /rest/insight/1.0";
  if (root.substr(0, kPrefix.size()) != kPrefix || root.size() == kPrefix.size()) return reason;
  for (char c : root) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '.' || c == '-' || c == '_';
    if (!ok) return reason;
  }
  if (root.find("//") != std::string_view::npos || root.find("/../") != std::string_view::npos ||
      root.ends_with("/..")) {
    return reason;
  }
  return std::nullopt;
}

void read_https(YamlReader& r, const YAML::Node& n, const std::string& p, std::string& out) {
  std::string value;
  if (!r.string(n, p, value)) return;
  while (value.size() > 8 && value.back() == '/') value.pop_back();
  if (auto problem = https_url_problem(value)) {
    r.error(n, p, "\"" + redact_userinfo(value) + "\": " + *problem);
    return;
  }
  out = value;
}

YamlReader::Handler import_id(YamlReader& r, std::optional<std::int64_t>& out) {
  return [&r, &out](const YAML::Node& n, const std::string& p) {
    std::int64_t value = 0;
    if (r.integer(n, p, value, 1, std::numeric_limits<std::int32_t>::max(),
                  "an import source ID, shown in the import's URL in Jira")) {
      out = value;
    }
  };
}

// token_file, credentials_file, cloud.token_file: a file that holds a secret; never empty.
YamlReader::Handler secret_file(YamlReader& r, std::filesystem::path& out) {
  return [&r, &out](const YAML::Node& n, const std::string& p) {
    std::filesystem::path value;
    if (!r.path(n, p, value)) return;
    if (value.empty()) {
      r.error(n, p, "must name the file that holds the secret");
      return;
    }
    out = value;
  };
}

void read_cloud(YamlReader& r, const YAML::Node& node, const std::string& path,
                InsightCloudConfig& cloud) {
  r.map(node, path,
        {{"token_file", secret_file(r, cloud.token_file)},
         {"info_url", [&](auto& n, auto& p) { read_https(r, n, p, cloud.info_url); }},
         {"chunk_objects",
          [&](auto& n, auto& p) {
            r.integer_field(n, p, cloud.chunk_objects, 1, kMaxChunkObjects,
                            "objects per data chunk");
          }},
         {"max_objects",
          [&](auto& n, auto& p) { r.integer(n, p, cloud.max_objects, 1, 1'000'000'000); }},
         {"manage_mapping", [&](auto& n, auto& p) { r.boolean(n, p, cloud.manage_mapping); }},
         {"vulnerabilities", [&](auto& n, auto& p) {
            std::string value;
            if (!r.string(n, p, value)) return;
            if (value == "detected") {
              cloud.vulnerabilities = CloudVulnerabilities::detected;
            } else if (value == "all") {
              cloud.vulnerabilities = CloudVulnerabilities::all;
            } else {
              r.error(n, p,
                      "expected detected (the QIDs vm.csv names) or all (the whole "
                      "KnowledgeBase), got \"" +
                          value.substr(0, 20) + "\"");
            }
          }}});
}

// Records each key given, so that the mode's requirements can be checked after the whole map.
YamlReader::Fields section_fields(YamlReader& r, InsightConfig& insight, Seen& seen) {
  auto given = [&seen](YamlReader::Handler handler) -> YamlReader::Handler {
    return [&seen, handler = std::move(handler)](const YAML::Node& n, const std::string& p) {
      if (!n.IsNull()) seen.insert(p.substr(p.rfind('.') + 1));
      handler(n, p);
    };
  };
  return {
      {"mode", given([&](auto& n, auto& p) {
         std::string value;
         if (!r.string(n, p, value)) return;
         if (value == "off") {
           insight.mode = InsightMode::off;
         } else if (value == "datacenter") {
           insight.mode = InsightMode::datacenter;
         } else if (value == "cloud") {
           insight.mode = InsightMode::cloud;
         } else {
           r.error(n, p, "expected off, datacenter or cloud, got \"" + value.substr(0, 20) + "\"");
         }
       })},
      {"schedule", given([&](auto& n, auto& p) {
         std::string value;
         if (!r.string(n, p, value)) return;
         if (value.find_first_not_of(" \t") == std::string::npos) {
           r.error(n, p, "must not be empty (a cron expression such as \"0 4 * * *\")");
           return;
         }
         insight.schedule = value;
       })},
      {"timeout",
       given([&](auto& n, auto& p) { r.duration(n, p, insight.timeout, kMaxJobTimeout); })},
      {"after_publish", given([&](auto& n, auto& p) { r.boolean(n, p, insight.after_publish); })},
      {"ca_file", given([&](auto& n, auto& p) { r.path(n, p, insight.ca_file); })},
      {"proxy", given([&](auto& n, auto& p) {
         std::string value;
         if (!r.string(n, p, value)) return;
         if (auto problem = value.empty() ? std::nullopt : proxy_url_problem(value)) {
           r.error(n, p, "\"" + redact_userinfo(value) + "\": " + *problem);
           return;
         }
         insight.proxy = value;
       })},
      {"url", given([&](auto& n, auto& p) { read_https(r, n, p, insight.url); })},
      {"token_file", given(secret_file(r, insight.token_file))},
      {"credentials_file", given(secret_file(r, insight.credentials_file))},
      {"api_root", given([&](auto& n, auto& p) {
         std::string value;
         if (!r.string(n, p, value)) return;
         while (value.size() > 1 && value.back() == '/') value.pop_back();
         if (value != "auto") {
           if (auto problem = api_root_problem(value)) {
             r.error(n, p, *problem);
             return;
           }
         }
         insight.api_root = value;
       })},
      {"imports", given([&](auto& n, auto& p) {
         r.map(n, p,
               {{"assets", import_id(r, insight.imports.assets)},
                {"vulnkb", import_id(r, insight.imports.vulnkb)},
                {"cve", import_id(r, insight.imports.cve)},
                {"vm", import_id(r, insight.imports.vm)}});
       })},
      {"cloud", given([&](auto& n, auto& p) { read_cloud(r, n, p, insight.cloud); })},
  };
}

template <std::size_t N>
void refuse_keys(YamlReader& r, const std::string& path, const Seen& seen,
                 const std::array<std::string_view, N>& keys, std::string_view mode) {
  for (std::string_view key : keys) {
    if (seen.contains(key)) {
      r.error(YamlReader::join(path, key),
              "applies only to mode: " + std::string(mode) + "; remove it or change insight.mode");
    }
  }
}

void check_datacenter(YamlReader& r, const std::string& path, const InsightConfig& insight,
                      const Seen& seen) {
  refuse_keys(r, path, seen, kCloudKeys, "cloud");
  if (!seen.contains("url")) {
    r.error(YamlReader::join(path, "url"),
            "required with mode: datacenter (the Jira base URL, e.g. https://jira.example.com)");
  }
  const bool token = seen.contains("token_file");
  if (token && seen.contains("credentials_file")) {
    r.error(YamlReader::join(path, "credentials_file"),
            "set either token_file (a personal access token) or credentials_file (\"USER "
            "PASSWORD\"), not both");
  } else if (!token && !seen.contains("credentials_file")) {
    r.error(YamlReader::join(path, "token_file"),
            "required with mode: datacenter: token_file (a personal access token) or "
            "credentials_file (\"USER PASSWORD\" on one line)");
  }
  if (!seen.contains("imports") || insight.imports.empty()) {
    r.error(YamlReader::join(path, "imports"),
            "required with mode: datacenter: one import source ID or more, e.g. "
            "{ assets: 11, vulnkb: 12, cve: 13, vm: 14 }");
  }
}

void check_cloud(YamlReader& r, const std::string& path, const InsightConfig& insight,
                 const Seen& seen) {
  refuse_keys(r, path, seen, kDatacenterKeys, "datacenter");
  if (insight.cloud.token_file.empty()) {
    r.error(YamlReader::join(path, "cloud.token_file"),
            "required with mode: cloud (the file holding the external import's container "
            "token)");
  }
}

}  // namespace

void read_insight(YamlReader& r, const YAML::Node& node, const std::string& path,
                  InsightConfig& insight) {
  if (node.IsNull()) return;
  Seen seen;
  r.map(node, path, section_fields(r, insight, seen));
  if (!node.IsMap()) return;
  if (!seen.contains("mode")) {
    r.error(YamlReader::join(path, "mode"),
            "required in the insight section: off, datacenter or cloud");
    return;
  }
  if (insight.mode == InsightMode::datacenter) check_datacenter(r, path, insight, seen);
  if (insight.mode == InsightMode::cloud) check_cloud(r, path, insight, seen);
}

}  // namespace qi::config
