// The optional `insight:` section of config.yaml (config/insight_section.hpp reads it): how the
// `insight` job reaches Jira Data Center or Assets Cloud. Part of Config; with mode off (the
// default, also when the section is absent) nothing else reads it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace qi::config {

enum class InsightMode { off, datacenter, cloud };

// insight.imports: Data Center import source IDs, any subset (imported in this order, vm last
// because detections reference hosts and QIDs).
struct InsightImports {
  std::optional<std::int64_t> assets;
  std::optional<std::int64_t> vulnkb;
  std::optional<std::int64_t> cve;
  std::optional<std::int64_t> vm;

  bool empty() const { return !assets && !vulnkb && !cve && !vm; }
};

// insight.cloud.vulnerabilities: which Vulnerability and CVE objects a push holds. detected: those
// of the QIDs that vm.csv names; all: the whole KnowledgeBase that vulnkb.csv and cve.csv carry.
enum class CloudVulnerabilities { detected, all };

// insight.cloud: the Assets Cloud external import.
struct InsightCloudConfig {
  std::filesystem::path token_file;  // the import source's container token (Bearer)
  std::string info_url = "https://api.atlassian.com/jsm/assets/v1/imports/info";
  int chunk_objects = 500;  // objects per submitResults request
  // A push larger than this is refused before anything is sent (Assets Cloud includes 50,000
  // objects per site; more are paid).
  std::int64_t max_objects = 50000;
  bool manage_mapping = true;  // put our mapping over one the operator edited
  CloudVulnerabilities vulnerabilities = CloudVulnerabilities::detected;
};

inline constexpr int kMaxChunkObjects = 5000;  // insight.cloud.chunk_objects

struct InsightConfig {
  InsightMode mode = InsightMode::off;
  // The insight job's own cron schedule and deadline. After the vm job's default start (3:00)
  // plus its default 50 min timeout, so a default import sees that night's files.
  std::string schedule = "0 4 * * *";
  std::chrono::milliseconds timeout = std::chrono::minutes(50);
  bool after_publish = false;     // also run right after a successful publication
  std::filesystem::path ca_file;  // optional extra trust anchors for Jira / Atlassian
  std::string proxy;              // optional "http://[user:pass@]host:port"

  // Data Center
  std::string url;                         // Jira base URL, context path included
  std::filesystem::path token_file;        // a personal access token (Bearer), or
  std::filesystem::path credentials_file;  // "USER PASSWORD" on one line (Basic)
  std::string api_root = "auto";           // or a root such as /rest/assets/1.0
  InsightImports imports;

  InsightCloudConfig cloud;
};

}  // namespace qi::config
