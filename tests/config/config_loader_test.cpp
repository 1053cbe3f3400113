#include "config/config_loader.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "common/error.hpp"
#include "support/temp_dir.hpp"

namespace qi::config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// The example of docs/design.md ("Configuration"), verbatim.
constexpr const char* kDesignExample = R"(qualys:
  platform: US1                      # or the two URLs below, which win when given
  api_url: https://qualysapi.qualys.com          # US1's API host breaks the qgN pattern
  gateway_url: https://gateway.qg1.apps.qualys.com
  credentials_file: /opt/qualys/auth.conf   # legacy "LOGIN PASSWORD REGION_URL" line
  ca_file: /etc/ssl/certs/corp-ca.pem       # optional extra trust anchors
  proxy: http://proxy.example:3128          # optional, HTTPS via CONNECT
output:
  dir: /opt/qualys/output
state:
  dir: /var/lib/qualys-insight       # last runs, locks, incremental state
jobs:
  assets: { schedule: "0 1 * * *", timeout: 50m }
  kb:     { schedule: "0 2 * * *", timeout: 50m }
  vm:     { schedule: "0 3 * * *", timeout: 50m }
)";

// Every key, none at its default.
constexpr const char* kEveryKey = R"(qualys:
  platform: eu2
  api_url: https://api.example.test:8443/
  gateway_url: https://gw.example.test
  credentials_file: secrets/auth.conf
  ca_file: /etc/ssl/certs/corp.pem
  proxy: http://proxy.example:3128
  user_agent: ua/1
  requested_with: rw/1
  timeouts: { resolve: 1s, connect: 2s, handshake: 3s, write: 4s, idle_read: 5m }
  max_body_bytes: 1048576
  max_concurrency: 3
  rate_limit_reserve: 7
  retry: { max_attempts: 4, backoff_initial: 500ms, backoff_max: 1m, max_server_wait: 10m }
output:
  dir: out
  double_backslashes: true
state:
  dir: /srv/state
logging:
  level: debug
jobs:
  assets:
    enabled: false
    schedule: "*/3 * * * * *"
    timeout: 10m
    time_zone: Europe/Berlin
    page_size: 100
    empty_page_retries: 5
    assets_per_window: 0
    filter_json: '{"filters":[]}'
  kb:
    enabled: true
    schedule: "@daily"
    timeout: 1h30m
    time_zone: UTC
    api_version: /api/2.0
    details: All
    window_size: 1000
    max_qid: 500000
    full_refresh: 3d
    incremental_margin: 2h
  vm:
    schedule: "0 4 * * 1-5"
    timeout: 7200
    api_version: /api/5.0
    truncation_limit: 5000
    hosts_per_window: 0
    full_refresh: 0s
    status: New,Active,Re-Opened,Fixed
    show_igs: true
    severities: 3-5
    include_ignored: true
    include_disabled: true
)";

class ConfigLoaderTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& content) {
    auto path = dir_.path() / "config.yaml";
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // The errors of check_config for `content`.
  std::vector<ConfigError> errors_of(const std::string& content) {
    return check_config(write(content));
  }

  // The single error of `content`; fails the test when there is not exactly one.
  ConfigError only_error(const std::string& content) {
    auto errors = errors_of(content);
    EXPECT_EQ(errors.size(), 1u);
    if (errors.size() != 1u) {
      for (const auto& e : errors) ADD_FAILURE() << "error: " << e.what();
    }
    if (errors.empty()) return ConfigError("", "", "none");
    return errors.front();
  }

  qi::testing::TempDir dir_;
};

TEST_F(ConfigLoaderTest, LoadsTheDesignExampleExactly) {
  Config c = load_config(write(kDesignExample));
  EXPECT_EQ(c.qualys.platform, "US1");
  EXPECT_EQ(c.qualys.api_url, "https://qualysapi.qualys.com");
  EXPECT_EQ(c.qualys.gateway_url, "https://gateway.qg1.apps.qualys.com");
  EXPECT_EQ(c.qualys.credentials_file, "/opt/qualys/auth.conf");
  EXPECT_EQ(c.qualys.ca_file, "/etc/ssl/certs/corp-ca.pem");
  EXPECT_EQ(c.qualys.proxy, "http://proxy.example:3128");
  EXPECT_EQ(c.output.dir, "/opt/qualys/output");
  EXPECT_EQ(c.state.dir, "/var/lib/qualys-insight");
  EXPECT_EQ(c.jobs.assets.schedule, "0 1 * * *");
  EXPECT_EQ(c.jobs.kb.schedule, "0 2 * * *");
  EXPECT_EQ(c.jobs.vm.schedule, "0 3 * * *");
  EXPECT_EQ(c.jobs.vm.timeout, minutes(50));
}

TEST_F(ConfigLoaderTest, LoadsEveryKey) {
  Config c = load_config(write(kEveryKey));
  const QualysConfig& q = c.qualys;
  EXPECT_EQ(q.platform, "eu2");
  EXPECT_EQ(q.api_url, "https://api.example.test:8443");  // trailing slash dropped
  EXPECT_EQ(q.gateway_url, "https://gw.example.test");
  EXPECT_EQ(q.credentials_file, dir_.path() / "secrets/auth.conf");
  EXPECT_EQ(q.ca_file, "/etc/ssl/certs/corp.pem");
  EXPECT_EQ(q.proxy, "http://proxy.example:3128");
  EXPECT_EQ(q.user_agent, "ua/1");
  EXPECT_EQ(q.requested_with, "rw/1");
  EXPECT_EQ(q.resolve_timeout, seconds(1));
  EXPECT_EQ(q.connect_timeout, seconds(2));
  EXPECT_EQ(q.handshake_timeout, seconds(3));
  EXPECT_EQ(q.write_timeout, seconds(4));
  EXPECT_EQ(q.idle_read_timeout, minutes(5));
  EXPECT_EQ(q.max_body_bytes, 1048576u);
  EXPECT_EQ(q.max_concurrency, 3);
  EXPECT_EQ(q.rate_limit_reserve, 7);
  EXPECT_EQ(q.max_attempts, 4);
  EXPECT_EQ(q.backoff_initial, milliseconds(500));
  EXPECT_EQ(q.backoff_max, minutes(1));
  EXPECT_EQ(q.max_server_wait, minutes(10));
  EXPECT_EQ(c.output.dir, dir_.path() / "out");
  EXPECT_TRUE(c.output.double_backslashes);
  EXPECT_EQ(c.state.dir, "/srv/state");
  EXPECT_EQ(c.logging.level, "debug");

  const AssetsJobConfig& a = c.jobs.assets;
  EXPECT_FALSE(a.enabled);
  EXPECT_EQ(a.schedule, "*/3 * * * * *");
  EXPECT_EQ(a.timeout, minutes(10));
  EXPECT_EQ(a.time_zone, "Europe/Berlin");
  EXPECT_EQ(a.page_size, 100);
  EXPECT_EQ(a.empty_page_retries, 5);
  EXPECT_EQ(a.assets_per_window, 0);  // single-cursor mode
  EXPECT_EQ(a.filter_json, R"({"filters":[]})");

  const KbJobConfig& kb = c.jobs.kb;
  EXPECT_TRUE(kb.enabled);
  EXPECT_EQ(kb.schedule, "@daily");
  EXPECT_EQ(kb.timeout, minutes(90));
  EXPECT_EQ(kb.time_zone, "UTC");
  EXPECT_EQ(kb.api_version, "/api/2.0");
  EXPECT_EQ(kb.details, "All");
  EXPECT_EQ(kb.window_size, 1000);
  EXPECT_EQ(kb.max_qid, 500000);
  EXPECT_EQ(kb.full_refresh, hours(72));
  EXPECT_EQ(kb.incremental_margin, hours(2));

  const VmJobConfig& vm = c.jobs.vm;
  EXPECT_EQ(vm.schedule, "0 4 * * 1-5");
  EXPECT_EQ(vm.timeout, hours(2));
  EXPECT_EQ(vm.api_version, "/api/5.0");
  EXPECT_EQ(vm.truncation_limit, 5000);
  EXPECT_EQ(vm.hosts_per_window, 0);     // single-stream mode
  EXPECT_EQ(vm.full_refresh, hours(0));  // every run a full pull
  EXPECT_EQ(vm.status, "New,Active,Re-Opened,Fixed");
  EXPECT_TRUE(vm.show_igs);
  EXPECT_EQ(vm.severities, "3-5");
  EXPECT_TRUE(vm.include_ignored);
  EXPECT_TRUE(vm.include_disabled);
}

TEST_F(ConfigLoaderTest, GivesAnEmptyFileEveryDefault) {
  Config c = load_config(write(""));
  EXPECT_EQ(c.jobs.assets.schedule, "0 1 * * *");
  EXPECT_EQ(c.jobs.kb.schedule, "0 2 * * *");
  EXPECT_EQ(c.jobs.vm.schedule, "0 3 * * *");
  EXPECT_EQ(c.jobs.kb.api_version, "/api/4.0");
  EXPECT_EQ(c.jobs.vm.api_version, "/api/5.0");
  EXPECT_EQ(c.output.dir, "/opt/qualys/output");
  EXPECT_EQ(c.jobs.vm.hosts_per_window, 1000);
  EXPECT_EQ(c.jobs.assets.assets_per_window, 50000);
  EXPECT_EQ(c.jobs.kb.full_refresh, hours(24 * 7));
  EXPECT_EQ(c.jobs.assets.incremental_margin, hours(1));
  EXPECT_TRUE(c.qualys.api_url.empty());  // left to the credentials' REGION_URL
}

TEST_F(ConfigLoaderTest, FillsTheUrlsOfTheConfiguredPlatform) {
  Config c = load_config(write("qualys: { platform: EU1 }\n"));
  EXPECT_EQ(c.qualys.api_url, "https://qualysapi.qualys.eu");
  EXPECT_EQ(c.qualys.gateway_url, "https://gateway.qg1.apps.qualys.eu");
}

TEST_F(ConfigLoaderTest, ExampleConfigOfTheRepositoryLoads) {
  Config c = load_config(QI_EXAMPLE_CONFIG);
  // Empty, so a migrated legacy auth.conf's REGION_URL decides the platform.
  EXPECT_EQ(c.qualys.platform, "");
  EXPECT_EQ(c.jobs.kb.window_size, 50000);
}

TEST_F(ConfigLoaderTest, ExampleConfigOfTheRepositoryShowsTheDefaults) {
  Config example = load_config(QI_EXAMPLE_CONFIG);
  Config d = default_config();
  const QualysConfig& q = example.qualys;
  EXPECT_EQ(q.credentials_file, d.qualys.credentials_file);
  EXPECT_EQ(q.ca_file, d.qualys.ca_file);
  EXPECT_EQ(q.proxy, d.qualys.proxy);
  EXPECT_EQ(q.user_agent, d.qualys.user_agent);
  EXPECT_EQ(q.requested_with, d.qualys.requested_with);
  EXPECT_EQ(q.resolve_timeout, d.qualys.resolve_timeout);
  EXPECT_EQ(q.connect_timeout, d.qualys.connect_timeout);
  EXPECT_EQ(q.handshake_timeout, d.qualys.handshake_timeout);
  EXPECT_EQ(q.write_timeout, d.qualys.write_timeout);
  EXPECT_EQ(q.idle_read_timeout, d.qualys.idle_read_timeout);
  EXPECT_EQ(q.max_body_bytes, d.qualys.max_body_bytes);
  EXPECT_EQ(q.max_concurrency, d.qualys.max_concurrency);
  EXPECT_EQ(q.rate_limit_reserve, d.qualys.rate_limit_reserve);
  EXPECT_EQ(q.max_attempts, d.qualys.max_attempts);
  EXPECT_EQ(q.backoff_initial, d.qualys.backoff_initial);
  EXPECT_EQ(q.backoff_max, d.qualys.backoff_max);
  EXPECT_EQ(q.max_server_wait, d.qualys.max_server_wait);
  EXPECT_EQ(example.output.dir, d.output.dir);
  EXPECT_EQ(example.output.double_backslashes, d.output.double_backslashes);
  EXPECT_EQ(example.state.dir, d.state.dir);
  EXPECT_EQ(example.logging.level, d.logging.level);
  for (auto [e, def] :
       {std::pair<const JobSchedule*, const JobSchedule*>{&example.jobs.assets, &d.jobs.assets},
        {&example.jobs.kb, &d.jobs.kb},
        {&example.jobs.vm, &d.jobs.vm}}) {
    EXPECT_EQ(e->enabled, def->enabled);
    EXPECT_EQ(e->schedule, def->schedule);
    EXPECT_EQ(e->timeout, def->timeout);
    EXPECT_EQ(e->time_zone, def->time_zone);
    EXPECT_EQ(e->catch_up_window, def->catch_up_window);
    EXPECT_EQ(e->jitter, def->jitter);
    EXPECT_EQ(e->min_ratio, def->min_ratio);
    EXPECT_EQ(e->full_refresh, def->full_refresh);
    EXPECT_EQ(e->incremental_margin, def->incremental_margin);
  }
  EXPECT_EQ(example.jobs.assets.count_tolerance, d.jobs.assets.count_tolerance);
  EXPECT_EQ(example.jobs.assets.page_size, d.jobs.assets.page_size);
  EXPECT_EQ(example.jobs.assets.empty_page_retries, d.jobs.assets.empty_page_retries);
  EXPECT_EQ(example.jobs.assets.filter_json, d.jobs.assets.filter_json);
  EXPECT_EQ(example.jobs.assets.assets_per_window, d.jobs.assets.assets_per_window);
  EXPECT_EQ(example.jobs.kb.api_version, d.jobs.kb.api_version);
  EXPECT_EQ(example.jobs.kb.details, d.jobs.kb.details);
  EXPECT_EQ(example.jobs.kb.window_size, d.jobs.kb.window_size);
  EXPECT_EQ(example.jobs.kb.max_qid, d.jobs.kb.max_qid);
  EXPECT_EQ(example.jobs.vm.api_version, d.jobs.vm.api_version);
  EXPECT_EQ(example.jobs.vm.hosts_per_window, d.jobs.vm.hosts_per_window);
  EXPECT_EQ(example.jobs.vm.truncation_limit, d.jobs.vm.truncation_limit);
  EXPECT_EQ(example.jobs.vm.status, d.jobs.vm.status);
  EXPECT_EQ(example.jobs.vm.show_igs, d.jobs.vm.show_igs);
  EXPECT_EQ(example.jobs.vm.severities, d.jobs.vm.severities);
  EXPECT_EQ(example.jobs.vm.include_ignored, d.jobs.vm.include_ignored);
  EXPECT_EQ(example.jobs.vm.include_disabled, d.jobs.vm.include_disabled);
}

TEST_F(ConfigLoaderTest, NamesTheFullPathOfAnUnknownKey) {
  ConfigError e = only_error("jobs:\n  kb:\n    windw_size: 10\n");
  EXPECT_EQ(e.key(), "jobs.kb.windw_size");
  EXPECT_EQ(e.file(), (dir_.path() / "config.yaml").string());
  EXPECT_NE(e.reason().find("unknown key"), std::string::npos);
  EXPECT_NE(e.reason().find("window_size"), std::string::npos);  // the known keys are listed
}

TEST_F(ConfigLoaderTest, NamesKeyFileAndLineOfATypeError) {
  ConfigError e = only_error("qualys:\n  max_concurrency: lots\n");
  EXPECT_EQ(e.key(), "qualys.max_concurrency");
  EXPECT_EQ(e.file(), (dir_.path() / "config.yaml").string());
  EXPECT_NE(e.reason().find("expected an integer"), std::string::npos);
  EXPECT_NE(e.reason().find("line 2"), std::string::npos) << e.reason();
}

TEST_F(ConfigLoaderTest, ReportsTheLineAndColumnOfAYamlSyntaxError) {
  ConfigError e = only_error("qualys:\n  platform: US1\n jobs: [\n");
  EXPECT_EQ(e.file(), (dir_.path() / "config.yaml").string());
  EXPECT_NE(e.reason().find("YAML syntax error at line"), std::string::npos) << e.reason();
  EXPECT_NE(e.reason().find("column"), std::string::npos);
}

TEST_F(ConfigLoaderTest, ReportsEveryProblemAtOnce) {
  auto errors = errors_of(
      "qualys:\n  max_concurrency: 0\n  platform: XX9\noutput:\n  double_backslashes: yes\n"
      "jobs:\n  vm: { truncation_limit: 0, status: Closed }\n  assets: { page_size: 301 }\n");
  std::vector<std::string> keys;
  for (const auto& e : errors) keys.push_back(e.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"qualys.max_concurrency", "qualys.platform",
                                            "output.double_backslashes", "jobs.vm.truncation_limit",
                                            "jobs.vm.status", "jobs.assets.page_size"}));
}

TEST_F(ConfigLoaderTest, LoadThrowsTheFirstProblem) {
  try {
    load_config(write("logging: { level: verbose }\nstate: { dir: '' }\n"));
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "logging.level");
  }
}

TEST_F(ConfigLoaderTest, RejectsOutOfRangeValues) {
  EXPECT_EQ(only_error("jobs: { assets: { page_size: 0 } }").key(), "jobs.assets.page_size");
  EXPECT_EQ(only_error("jobs: { kb: { window_size: 0 } }").key(), "jobs.kb.window_size");
  EXPECT_EQ(only_error("qualys: { max_concurrency: 11 }").key(), "qualys.max_concurrency");
  EXPECT_EQ(only_error("jobs: { vm: { truncation_limit: 1000001 } }").key(),
            "jobs.vm.truncation_limit");
  EXPECT_EQ(only_error("qualys: { timeouts: { connect: 0s } }").key(), "qualys.timeouts.connect");
  EXPECT_EQ(only_error("jobs: { assets: { assets_per_window: -1 } }").key(),
            "jobs.assets.assets_per_window");
  EXPECT_EQ(only_error("jobs: { assets: { assets_per_window: 100000001 } }").key(),
            "jobs.assets.assets_per_window");
  EXPECT_EQ(only_error("jobs: { assets: { assets_per_window: many } }").key(),
            "jobs.assets.assets_per_window");
}

TEST_F(ConfigLoaderTest, RejectsAZeroTruncationLimitWithAReason) {
  ConfigError e = only_error("jobs: { vm: { truncation_limit: 0 } }");
  EXPECT_NE(e.reason().find("paging"), std::string::npos) << e.reason();
}

TEST_F(ConfigLoaderTest, RejectsBadEnumerations) {
  EXPECT_EQ(only_error("jobs: { kb: { details: Full } }").key(), "jobs.kb.details");
  EXPECT_EQ(only_error("jobs: { kb: { api_version: '4.0' } }").key(), "jobs.kb.api_version");
  EXPECT_EQ(only_error("jobs: { vm: { severities: '0-9' } }").key(), "jobs.vm.severities");
}

TEST_F(ConfigLoaderTest, AcceptsIntegerSecondsAsDuration) {
  Config c = load_config(write("jobs: { kb: { timeout: 600 } }"));
  EXPECT_EQ(c.jobs.kb.timeout, minutes(10));
}

TEST_F(ConfigLoaderTest, RejectsAMalformedDuration) {
  ConfigError e = only_error("jobs: { kb: { timeout: 50 minutes } }");
  EXPECT_EQ(e.key(), "jobs.kb.timeout");
  EXPECT_NE(e.reason().find("duration"), std::string::npos);
}

TEST_F(ConfigLoaderTest, RequiresHttpsUrls) {
  EXPECT_EQ(only_error("qualys: { api_url: 'http://qualysapi.qualys.com' }").key(),
            "qualys.api_url");
}

TEST_F(ConfigLoaderTest, NeverEchoesTheProxyPassword) {
  ConfigError e = only_error("qualys: { proxy: 'http://bob:Hunter2@proxy.example' }");
  EXPECT_EQ(e.key(), "qualys.proxy");
  EXPECT_EQ(std::string(e.what()).find("Hunter2"), std::string::npos) << e.what();
}

TEST_F(ConfigLoaderTest, RejectsDuplicateKeys) {
  EXPECT_EQ(only_error("logging: { level: info }\nlogging: { level: debug }\n").key(), "logging");
}

TEST_F(ConfigLoaderTest, RejectsASectionThatIsNotAMapping) {
  EXPECT_EQ(only_error("jobs: [assets, kb]\n").key(), "jobs");
}

TEST_F(ConfigLoaderTest, RejectsBackoffMaxShorterThanBackoffInitial) {
  EXPECT_EQ(only_error("qualys: { retry: { backoff_max: 1s, backoff_initial: 5s } }").key(),
            "qualys.retry.backoff_max");
}

TEST_F(ConfigLoaderTest, ReportsAMissingConfigFile) {
  auto errors = check_config(dir_.path() / "nope.yaml");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].reason().find("No such file"), std::string::npos);
}

TEST_F(ConfigLoaderTest, KeepsDefaultsForNullValues) {
  Config c = load_config(write("qualys:\n  ca_file:\njobs:\n  kb:\n"));
  EXPECT_TRUE(c.qualys.ca_file.empty());
  EXPECT_EQ(c.jobs.kb.schedule, "0 2 * * *");
}

}  // namespace
}  // namespace qi::config
