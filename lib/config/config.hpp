// The daemon's configuration as parsed from YAML (config_loader.hpp). A Config is an immutable
// value: a reload builds a new one (staging copy) and swaps it in only when it is valid.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/column_catalog.hpp"
#include "config/insight_config.hpp"

namespace qi::config {

using Duration = std::chrono::milliseconds;
using namespace std::chrono_literals;

// The largest value each duration key accepts (docs/configuration.md lists them per key). Far
// below the 292 years after which a steady_clock deadline overflows, and each well above any
// sensible setting, so a typo in a unit ("107000d") is an error instead of a timer that fires
// at once.
inline constexpr Duration kMaxNetworkTimeout = std::chrono::hours(1);  // qualys.timeouts.*
inline constexpr Duration kMaxRetryDelay = std::chrono::hours(1);      // retry.backoff_*
// Qualys's longest rate-limit window is a day.
inline constexpr Duration kMaxServerWait = std::chrono::days(1);         // retry.max_server_wait
inline constexpr Duration kMaxJobTimeout = std::chrono::days(7);         // jobs.*.timeout
inline constexpr Duration kMaxJitter = std::chrono::days(1);             // jobs.*.jitter
inline constexpr Duration kMaxCatchUpWindow = std::chrono::days(366);    // jobs.*.catch_up_window
inline constexpr Duration kMaxFullRefresh = std::chrono::days(366);      // jobs.*.full_refresh
inline constexpr Duration kMaxIncrementalMargin = std::chrono::days(7);  // incremental_margin

struct Credentials {
  std::string username;
  std::string password;  // never logged, never in argv, URLs or error text
  std::string region;    // the legacy REGION_URL column, e.g. "qg2.apps.qualys.com"; may be empty
};

struct QualysConfig {
  std::string platform;     // e.g. "US1"; empty when both URLs are given
  std::string api_url;      // "https://qualysapi.qualys.com" (resolved: never empty after load)
  std::string gateway_url;  // "https://gateway.qg1.apps.qualys.com" (resolved)
  std::filesystem::path credentials_file = "/opt/qualys/auth.conf";
  std::filesystem::path ca_file;  // optional extra trust anchors
  std::string proxy;              // optional "http://[user:pass@]host:port"
  std::string user_agent = "qualys-insightd";
  std::string requested_with = "qualys-insightd";  // X-Requested-With value

  Duration resolve_timeout = 30s;
  Duration connect_timeout = 30s;
  Duration handshake_timeout = 30s;
  Duration write_timeout = 60s;
  Duration idle_read_timeout = 300s;
  std::uint64_t max_body_bytes = 16ULL << 30;

  // Rate governor: never more concurrent calls than this, nor than X-Concurrency-Limit-Limit.
  int max_concurrency = 2;
  // Start slowing down when X-RateLimit-Remaining falls to this.
  int rate_limit_reserve = 5;

  // Retries of one request (page, window) inside the job's deadline.
  int max_attempts = 8;
  Duration backoff_initial = 2s;
  Duration backoff_max = 5min;
  // Longest server-requested wait (Retry-After, ToWait) we accept before failing the run instead.
  Duration max_server_wait = 30min;
};

struct OutputConfig {
  std::filesystem::path dir = "/opt/qualys/output";
  bool double_backslashes = false;  // for JVM CSV readers that treat '\' as an escape
  ExtraColumns extra_columns;       // appended after the legacy columns; none by default
};

struct StateConfig {
  std::filesystem::path dir = "/var/lib/qualys-insight";
};

struct LoggingConfig {
  std::string level = "info";  // trace, debug, info, warn, error
};

struct MetricsConfig {
  // The file node_exporter's textfile collector reads (a *.prom name), rewritten at start and
  // around every run; empty: no metrics.
  std::filesystem::path textfile;
};

struct JobSchedule {
  bool enabled = true;
  std::string schedule;  // cron expression, 5 or 6 fields, or @daily etc.
  Duration timeout = 50min;
  std::string time_zone;  // IANA name; empty for the system's zone
  // On start, a firing missed while the daemon was down runs once if it is at most this old.
  Duration catch_up_window = 6h;
  // Delay every firing by a stable per-job amount in [0, jitter) to spread load; 0 = none.
  Duration jitter = 0s;
  // Shrink guard: a file whose new row count is below this fraction of the published one's is
  // not published (a half-empty file would make Insight delete CIs). 0 turns the guard off.
  double min_ratio = 0.5;
  // Incremental pulls (jobs/incremental_base.hpp): a full pull at most this long after the last
  // one, incremental pulls in between; 0 = every run is a full pull.
  Duration full_refresh = std::chrono::hours(24 * 7);
  // An incremental pull asks for what changed since the last run's start minus this margin.
  Duration incremental_margin = 1h;
};

struct AssetsJobConfig : JobSchedule {
  int page_size = 300;         // CSAM maximum
  int empty_page_retries = 3;  // hasMore=1 with no assets
  // Count check: the assets written may differ from the CSAM count taken at the start by at most
  // this fraction (assets appear and disappear during a run).
  double count_tolerance = 0.02;
  std::string filter_json;  // optional CSAM filter body, e.g. {"filters":[...]}
  // Assets per lastSeenAssetId window (asset-ID ranges split by count calls, fetched
  // concurrently); 0 = one cursor over every asset.
  std::int64_t assets_per_window = 50000;
};

struct KbJobConfig : JobSchedule {
  std::string api_version = "/api/4.0";
  std::string details = "Basic";
  std::int64_t window_size = 50000;  // QIDs per id_min/id_max request
  // The last bounded window ends here; one open-ended window (id_min only) follows, so QIDs
  // above it are still pulled.
  std::int64_t max_qid = 1000000;
};

struct VmJobConfig : JobSchedule {
  std::string api_version = "/api/5.0";
  int truncation_limit = 1000;
  // Hosts per detection window (host-ID list split, windows fetched concurrently); 0 = one
  // stream over every host, paged by WARNING URLs only.
  std::int64_t hosts_per_window = 1000;
  std::string status = "New,Active,Re-Opened";
  bool show_igs = false;
  std::string severities;  // e.g. "3-5"; empty for all
  bool include_ignored = false;
  bool include_disabled = false;
};

struct JobsConfig {
  AssetsJobConfig assets;
  KbJobConfig kb;
  VmJobConfig vm;
};

struct Config {
  std::filesystem::path source;  // the YAML file this came from
  QualysConfig qualys;
  OutputConfig output;
  StateConfig state;
  LoggingConfig logging;
  MetricsConfig metrics;
  JobsConfig jobs;
  InsightConfig insight;  // the optional `insight:` section; mode off when absent
};

}  // namespace qi::config
