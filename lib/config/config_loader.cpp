#include "config/config_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>

#include "config/extra_columns_section.hpp"
#include "config/insight_section.hpp"
#include "config/job_fields.hpp"
#include "config/platforms.hpp"
#include "config/url_checks.hpp"
#include "config/yaml_reader.hpp"

namespace qi::config {
namespace {

constexpr std::size_t kMaxConfigBytes = 1 << 20;

std::optional<std::string> read_text(const std::filesystem::path& file,
                                     std::vector<ConfigError>& errors) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    errors.emplace_back(file.string(), "", "config file is a directory");
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    int err = errno;
    errors.emplace_back(file.string(), "",
                        std::string("cannot open config file: ") +
                            (err != 0 ? std::strerror(err) : "unknown error"));
    return std::nullopt;
  }
  std::string text;
  char buffer[8192];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxConfigBytes) {
      errors.emplace_back(file.string(), "", "config file is larger than 1 MiB");
      return std::nullopt;
    }
  }
  return text;
}

void read_https_url(YamlReader& r, const YAML::Node& n, const std::string& p, std::string& out) {
  std::string value;
  if (!r.string(n, p, value) || value.empty()) return;
  while (value.size() > 8 && value.back() == '/') value.pop_back();
  if (auto problem = https_url_problem(value)) {
    r.error(n, p, "\"" + redact_userinfo(value) + "\": " + *problem);
    return;
  }
  out = value;
}

void read_timeouts(YamlReader& r, const YAML::Node& node, const std::string& path,
                   QualysConfig& q) {
  auto timeout = [&r](Duration& out) -> YamlReader::Handler {
    return [&r, target = &out](auto& n, auto& p) { r.duration(n, p, *target, kMaxNetworkTimeout); };
  };
  r.map(node, path,
        {{"resolve", timeout(q.resolve_timeout)},
         {"connect", timeout(q.connect_timeout)},
         {"handshake", timeout(q.handshake_timeout)},
         {"write", timeout(q.write_timeout)},
         {"idle_read", timeout(q.idle_read_timeout)}});
}

void read_retry(YamlReader& r, const YAML::Node& node, const std::string& path, QualysConfig& q) {
  r.map(
      node, path,
      {{"max_attempts", [&](auto& n, auto& p) { r.integer_field(n, p, q.max_attempts, 1, 100); }},
       {"backoff_initial",
        [&](auto& n, auto& p) { r.duration(n, p, q.backoff_initial, kMaxRetryDelay); }},
       {"backoff_max", [&](auto& n, auto& p) { r.duration(n, p, q.backoff_max, kMaxRetryDelay); }},
       {"max_server_wait",
        [&](auto& n, auto& p) { r.duration(n, p, q.max_server_wait, kMaxServerWait); }}});
  // Checked after the whole section: the two keys may come in any order.
  if (node.IsMap() && q.backoff_max < q.backoff_initial) {
    r.error(node, YamlReader::join(path, "backoff_max"),
            "must not be shorter than retry.backoff_initial");
  }
}

void read_qualys(YamlReader& r, const YAML::Node& node, const std::string& path, QualysConfig& q) {
  r.map(node, path,
        {
            {"platform",
             [&](auto& n, auto& p) {
               std::string name;
               if (!r.string(n, p, name) || name.empty()) return;
               if (!platform_urls(name)) {
                 r.error(n, p,
                         "unknown platform \"" + name.substr(0, 20) +
                             "\" (known: " + known_platform_names() +
                             "; for others set qualys.api_url and qualys.gateway_url)");
                 return;
               }
               q.platform = name;
             }},
            {"api_url", [&](auto& n, auto& p) { read_https_url(r, n, p, q.api_url); }},
            {"gateway_url", [&](auto& n, auto& p) { read_https_url(r, n, p, q.gateway_url); }},
            {"credentials_file",
             [&](auto& n, auto& p) {
               std::filesystem::path value;
               if (!r.path(n, p, value)) return;
               if (value.empty()) {
                 r.error(n, p, "must not be empty");
                 return;
               }
               q.credentials_file = value;
             }},
            {"ca_file", [&](auto& n, auto& p) { r.path(n, p, q.ca_file); }},
            {"proxy",
             [&](auto& n, auto& p) {
               std::string value;
               if (!r.string(n, p, value)) return;
               if (!value.empty()) {
                 if (auto problem = proxy_url_problem(value)) {
                   r.error(n, p, "\"" + redact_userinfo(value) + "\": " + *problem);
                   return;
                 }
               }
               q.proxy = value;
             }},
            {"user_agent",
             [&](auto& n, auto& p) {
               std::string value;
               if (!r.string(n, p, value)) return;
               if (value.empty() || value.find_first_of("\r\n") != std::string::npos) {
                 r.error(n, p, "must be one non-empty line");
                 return;
               }
               q.user_agent = value;
             }},
            {"requested_with",
             [&](auto& n, auto& p) {
               std::string value;
               if (!r.string(n, p, value)) return;
               // Qualys rejects API v2 calls without a non-empty X-Requested-With header.
               if (value.empty() || value.find_first_of("\r\n") != std::string::npos) {
                 r.error(n, p, "must be one non-empty line (Qualys requires X-Requested-With)");
                 return;
               }
               q.requested_with = value;
             }},
            {"timeouts", [&](auto& n, auto& p) { read_timeouts(r, n, p, q); }},
            {"max_body_bytes",
             [&](auto& n, auto& p) {
               std::int64_t value = 0;
               if (r.integer(n, p, value, 1, std::numeric_limits<std::int64_t>::max())) {
                 q.max_body_bytes = static_cast<std::uint64_t>(value);
               }
             }},
            {"max_concurrency",
             [&](auto& n, auto& p) { r.integer_field(n, p, q.max_concurrency, 1, 10); }},
            {"rate_limit_reserve",
             [&](auto& n, auto& p) { r.integer_field(n, p, q.rate_limit_reserve, 0, 10000); }},
            {"retry", [&](auto& n, auto& p) { read_retry(r, n, p, q); }},
        });
}

void read_required_path(YamlReader& r, const YAML::Node& n, const std::string& p,
                        std::filesystem::path& out) {
  std::filesystem::path value;
  if (!r.path(n, p, value)) return;
  if (value.empty()) {
    r.error(n, p, "must not be empty");
    return;
  }
  out = value;
}

void read_output(YamlReader& r, const YAML::Node& node, const std::string& path,
                 OutputConfig& output) {
  r.map(node, path,
        {{"dir", [&](auto& v, auto& k) { read_required_path(r, v, k, output.dir); }},
         {"double_backslashes",
          [&](auto& v, auto& k) { r.boolean(v, k, output.double_backslashes); }},
         {"extra_columns",
          [&](auto& v, auto& k) { read_extra_columns(r, v, k, output.extra_columns); }}});
}

void read_logging(YamlReader& r, const YAML::Node& node, const std::string& path,
                  LoggingConfig& logging) {
  r.map(node, path, {{"level", [&](auto& n, auto& p) {
                        std::string value;
                        if (!r.string(n, p, value)) return;
                        for (const char* level : {"trace", "debug", "info", "warn", "error"}) {
                          if (value == level) {
                            logging.level = value;
                            return;
                          }
                        }
                        r.error(n, p,
                                "expected one of trace, debug, info, warn, error, got \"" +
                                    value.substr(0, 20) + "\"");
                      }}});
}

// The path with symbolic links and "..", as far as it exists, resolved, and no trailing '/'.
std::filesystem::path comparable(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::path result = std::filesystem::weakly_canonical(path, ec);
  if (ec) result = path.lexically_normal();
  if (!result.has_filename() && result.has_relative_path()) result = result.parent_path();
  return result;
}

bool is_same_or_inside(const std::filesystem::path& inner, const std::filesystem::path& outer) {
  auto [outer_end, inner_end] =
      std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
  return outer_end == outer.end();
}

// state.dir and output.dir must not overlap. State inside the output directory would publish the
// locks, state.json and the incremental bases where Insight reads, world-readable; the output
// inside the state directory would sit in a private (0750) directory whose base/ subdirectories
// the daemon deletes.
void check_separate_dirs(YamlReader& r, const Config& config) {
  const std::filesystem::path output = comparable(config.output.dir);
  const std::filesystem::path state = comparable(config.state.dir);
  if (is_same_or_inside(state, output)) {
    const std::string where =
        state == output ? "is the same directory as output.dir (" + output.string() + ")"
                        : "(" + state.string() + ") is inside output.dir (" + output.string() + ")";
    r.error("state.dir", where +
                             ": locks, state.json and the incremental bases would be published "
                             "where Insight reads them; use a separate directory such as "
                             "/var/lib/qualys-insight");
  } else if (is_same_or_inside(output, state)) {
    r.error("output.dir", "(" + output.string() + ") is inside state.dir (" + state.string() +
                              "), which is private to the daemon and whose base/ directories "
                              "it deletes; use a separate directory such as /opt/qualys/output");
  }
}

void read_metrics(YamlReader& r, const YAML::Node& node, const std::string& path,
                  MetricsConfig& metrics) {
  r.map(node, path, {{"textfile", [&](auto& n, auto& p) {
                        std::filesystem::path value;
                        if (!r.path(n, p, value) || value.empty()) return;
                        // node_exporter's textfile collector reads *.prom files only.
                        if (value.extension() != ".prom") {
                          r.error(n, p, "must name a *.prom file (" + value.string() + ")");
                          return;
                        }
                        metrics.textfile = value;
                      }}});
}

// The metrics file must stay out of output.dir (where Insight reads and the manifest lists every
// file) and state.dir (private to the daemon, unreadable for node_exporter).
void check_metrics_outside_dirs(YamlReader& r, const Config& config) {
  if (config.metrics.textfile.empty()) return;
  const std::filesystem::path textfile = comparable(config.metrics.textfile);
  for (const auto& [key, dir] :
       {std::pair{"output.dir", &config.output.dir}, std::pair{"state.dir", &config.state.dir}}) {
    if (is_same_or_inside(textfile, comparable(*dir))) {
      r.error("metrics.textfile", "(" + textfile.string() + ") is inside " + key + " (" +
                                      dir->string() +
                                      "); use node_exporter's textfile directory, such as "
                                      "/var/lib/prometheus/node-exporter");
    }
  }
}

// Fills the URLs a platform implies, so that after loading only a platform-less config without
// URLs still needs the credentials' REGION_URL.
void apply_platform(Config& config) {
  QualysConfig& q = config.qualys;
  if (q.platform.empty()) return;
  if (auto urls = platform_urls(q.platform)) {
    if (q.api_url.empty()) q.api_url = urls->api_url;
    if (q.gateway_url.empty()) q.gateway_url = urls->gateway_url;
  }
}

}  // namespace

Config default_config() {
  Config config;
  config.jobs.assets.schedule = "0 1 * * *";
  config.jobs.kb.schedule = "0 2 * * *";
  config.jobs.vm.schedule = "0 3 * * *";
  return config;
}

std::vector<ConfigError> check_config(const std::filesystem::path& file, Config* out) {
  std::vector<ConfigError> errors;
  Config config = default_config();
  config.source = file;
  const std::string name = file.string();

  std::optional<std::string> text = read_text(file, errors);
  YAML::Node root;
  if (text) {
    try {
      root = YAML::Load(*text);
    } catch (const YAML::Exception& e) {
      errors.emplace_back(name, "",
                          "YAML syntax error at line " + std::to_string(e.mark.line + 1) +
                              ", column " + std::to_string(e.mark.column + 1) + ": " + e.msg);
    }
  }
  if (errors.empty()) {
    std::error_code ec;
    std::filesystem::path absolute = std::filesystem::absolute(file, ec);
    YamlReader r(name, (ec ? file : absolute).parent_path(), errors);
    r.map(root, "",
          {
              {"qualys", [&](auto& n, auto& p) { read_qualys(r, n, p, config.qualys); }},
              {"output", [&](auto& n, auto& p) { read_output(r, n, p, config.output); }},
              {"state",
               [&](auto& n, auto& p) {
                 r.map(n, p, {{"dir", [&](auto& v, auto& k) {
                                 read_required_path(r, v, k, config.state.dir);
                               }}});
               }},
              {"logging", [&](auto& n, auto& p) { read_logging(r, n, p, config.logging); }},
              {"metrics", [&](auto& n, auto& p) { read_metrics(r, n, p, config.metrics); }},
              {"jobs", [&](auto& n, auto& p) { read_jobs(r, n, p, config.jobs); }},
              {"insight", [&](auto& n, auto& p) { read_insight(r, n, p, config.insight); }},
          });
    check_separate_dirs(r, config);
    check_metrics_outside_dirs(r, config);
  }
  apply_platform(config);
  if (out != nullptr) *out = std::move(config);
  return errors;
}

Config load_config(const std::filesystem::path& file) {
  Config config;
  std::vector<ConfigError> errors = check_config(file, &config);
  if (!errors.empty()) throw errors.front();
  return config;
}

}  // namespace qi::config
