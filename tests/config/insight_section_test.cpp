// The optional `insight:` section (config/insight_section.hpp).
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "common/error.hpp"
#include "config/config_loader.hpp"
#include "support/temp_dir.hpp"

namespace qi::config {
namespace {

constexpr const char* kOtherSections = R"(qualys:
  platform: US1
jobs:
  vm: { schedule: "0 3 * * *", timeout: 50m }
)";

constexpr const char* kDatacenter = R"(insight:
  mode: datacenter
  url: https://jira.example.com/jira/
  token_file: jira.token
  imports: { assets: 11, vm: 14 }
)";

constexpr const char* kCloud = R"(insight:
  mode: cloud
  cloud:
    token_file: /etc/qualys-insight/assets-cloud.token
)";

class InsightSectionTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& yaml) {
    auto path = dir_.path() / "config.yaml";
    std::ofstream(path, std::ios::binary) << yaml;
    return path;
  }

  std::vector<ConfigError> problems(const std::string& yaml) { return check_config(write(yaml)); }

  // Expects exactly one problem, at `key`, whose reason contains `words`.
  void expect_one_problem(const std::string& yaml, const std::string& key,
                          const std::string& words) {
    SCOPED_TRACE(yaml);
    auto found = problems(yaml);
    ASSERT_EQ(found.size(), 1u) << (found.empty() ? "" : found[0].what());
    EXPECT_EQ(found[0].key(), key) << found[0].what();
    EXPECT_NE(found[0].reason().find(words), std::string::npos) << found[0].what();
    EXPECT_EQ(found[0].file(), (dir_.path() / "config.yaml").string());
  }

  qi::testing::TempDir dir_;
};

TEST_F(InsightSectionTest, AConfigWithoutTheSectionLoadsAsBefore) {
  const Config without = load_config(write(kOtherSections));
  EXPECT_EQ(without.insight.mode, InsightMode::off);
  EXPECT_TRUE(without.insight.url.empty());
  EXPECT_TRUE(without.insight.imports.empty());

  const Config off = load_config(write(std::string(kOtherSections) + "insight:\n  mode: off\n"));
  EXPECT_EQ(off.insight.mode, InsightMode::off);
  EXPECT_EQ(off.qualys.api_url, without.qualys.api_url);
  EXPECT_EQ(off.jobs.vm.schedule, without.jobs.vm.schedule);
  EXPECT_EQ(off.jobs.vm.timeout, without.jobs.vm.timeout);
}

TEST_F(InsightSectionTest, AnEmptySectionChangesNothing) {
  EXPECT_EQ(load_config(write("insight:\n")).insight.mode, InsightMode::off);
}

TEST_F(InsightSectionTest, LoadsTheDataCenterKeys) {
  const Config config = load_config(write(std::string(kDatacenter) + R"(  schedule: "30 3 * * *"
  timeout: 20m
  after_publish: true
  ca_file: corp-ca.pem
  proxy: http://proxy.example:3128
  api_root: /rest/insight/1.0/
)"));
  const InsightConfig& insight = config.insight;
  EXPECT_EQ(insight.mode, InsightMode::datacenter);
  EXPECT_EQ(insight.url, "https://jira.example.com/jira");
  EXPECT_EQ(insight.token_file, dir_.path() / "jira.token");
  EXPECT_TRUE(insight.credentials_file.empty());
  EXPECT_EQ(insight.imports.assets, 11);
  EXPECT_FALSE(insight.imports.vulnkb);
  EXPECT_FALSE(insight.imports.cve);
  EXPECT_EQ(insight.imports.vm, 14);
  EXPECT_EQ(insight.schedule, "30 3 * * *");
  EXPECT_EQ(insight.timeout, std::chrono::minutes(20));
  EXPECT_TRUE(insight.after_publish);
  EXPECT_EQ(insight.ca_file, dir_.path() / "corp-ca.pem");
  EXPECT_EQ(insight.proxy, "http://proxy.example:3128");
  EXPECT_EQ(insight.api_root, "/rest/insight/1.0");
}

TEST_F(InsightSectionTest, GivesTheDocumentedDefaults) {
  const InsightConfig insight = load_config(write(kCloud)).insight;
  EXPECT_EQ(insight.schedule, "0 4 * * *");
  EXPECT_EQ(insight.timeout, std::chrono::minutes(50));
  EXPECT_FALSE(insight.after_publish);
  EXPECT_EQ(insight.api_root, "auto");
  EXPECT_EQ(insight.cloud.info_url, "https://api.atlassian.com/jsm/assets/v1/imports/info");
  EXPECT_EQ(insight.cloud.chunk_objects, 500);
  EXPECT_EQ(insight.cloud.max_objects, 50000);
  EXPECT_TRUE(insight.cloud.manage_mapping);
  EXPECT_EQ(insight.cloud.vulnerabilities, CloudVulnerabilities::detected);
}

TEST_F(InsightSectionTest, LoadsTheCloudKeys) {
  const InsightConfig insight =
      load_config(write(std::string(kCloud) +
                        R"(    info_url: https://assets.example.test:8443/jsm/assets/v1/imports/info
    chunk_objects: 5000
    max_objects: 200000
    manage_mapping: false
    vulnerabilities: all
)"))
          .insight;
  EXPECT_EQ(insight.mode, InsightMode::cloud);
  EXPECT_EQ(insight.cloud.token_file, "/etc/qualys-insight/assets-cloud.token");
  EXPECT_EQ(insight.cloud.info_url, "https://assets.example.test:8443/jsm/assets/v1/imports/info");
  EXPECT_EQ(insight.cloud.chunk_objects, 5000);
  EXPECT_EQ(insight.cloud.max_objects, 200000);
  EXPECT_FALSE(insight.cloud.manage_mapping);
  EXPECT_EQ(insight.cloud.vulnerabilities, CloudVulnerabilities::all);
}

TEST_F(InsightSectionTest, CloudVulnerabilitiesIsDetectedOrAll) {
  expect_one_problem(std::string(kCloud) + "    vulnerabilities: some\n",
                     "insight.cloud.vulnerabilities",
                     "expected detected (the QIDs vm.csv names) or all");
}

TEST_F(InsightSectionTest, RequiresAMode) {
  expect_one_problem("insight:\n  url: https://jira.example.com\n", "insight.mode", "required");
}

TEST_F(InsightSectionTest, RejectsAnUnknownMode) {
  expect_one_problem("insight:\n  mode: server\n", "insight.mode",
                     "expected off, datacenter or cloud");
}

TEST_F(InsightSectionTest, RefusesUnknownKeysAtEveryLevel) {
  expect_one_problem("insight:\n  mode: off\n  urls: x\n", "insight.urls", "unknown key");
  expect_one_problem(std::string(kCloud) + "    chunk_size: 10\n", "insight.cloud.chunk_size",
                     "unknown key");
  expect_one_problem(std::string(kDatacenter) + "  imports2: {}\n", "insight.imports2",
                     "unknown key");
  expect_one_problem(
      "insight:\n  mode: datacenter\n  url: https://j.example\n  token_file: t\n"
      "  imports: { assets: 1, kb: 2 }\n",
      "insight.imports.kb", "unknown key");
}

TEST_F(InsightSectionTest, DataCenterRequiresAUrl) {
  expect_one_problem("insight:\n  mode: datacenter\n  token_file: t\n  imports: { vm: 4 }\n",
                     "insight.url", "required with mode: datacenter");
}

TEST_F(InsightSectionTest, DataCenterRequiresAnHttpsUrl) {
  expect_one_problem(
      "insight:\n  mode: datacenter\n  url: http://jira.example.com\n"
      "  token_file: t\n  imports: { vm: 4 }\n",
      "insight.url", "must start with https://");
}

TEST_F(InsightSectionTest, DataCenterRequiresATokenOrCredentialsFile) {
  expect_one_problem(
      "insight:\n  mode: datacenter\n  url: https://j.example\n"
      "  imports: { vm: 4 }\n",
      "insight.token_file", "token_file (a personal access token) or");
}

TEST_F(InsightSectionTest, DataCenterRefusesBothATokenAndCredentials) {
  expect_one_problem(std::string(kDatacenter) + "  credentials_file: jira.auth\n",
                     "insight.credentials_file", "not both");
}

TEST_F(InsightSectionTest, DataCenterRefusesAnEmptySecretFileName) {
  expect_one_problem(
      "insight:\n  mode: datacenter\n  url: https://j.example\n"
      "  credentials_file: \"\"\n  imports: { vm: 4 }\n",
      "insight.credentials_file", "must name the file");
}

TEST_F(InsightSectionTest, DataCenterRequiresImportSources) {
  expect_one_problem("insight:\n  mode: datacenter\n  url: https://j.example\n  token_file: t\n",
                     "insight.imports", "required with mode: datacenter");
  expect_one_problem(
      "insight:\n  mode: datacenter\n  url: https://j.example\n  token_file: t\n"
      "  imports: {}\n",
      "insight.imports", "one import source ID or more");
}

TEST_F(InsightSectionTest, ImportSourceIdsArePositive) {
  expect_one_problem(
      "insight:\n  mode: datacenter\n  url: https://j.example\n  token_file: t\n"
      "  imports: { assets: 0, vm: 4 }\n",
      "insight.imports.assets", "must be from 1 to");
  expect_one_problem(
      "insight:\n  mode: datacenter\n  url: https://j.example\n  token_file: t\n"
      "  imports: { assets: eleven, vm: 4 }\n",
      "insight.imports.assets", "expected an integer");
}

TEST_F(InsightSectionTest, ApiRootIsAutoOrARestPath) {
  for (const char* good : {"auto", "/rest/assets/1.0", "/rest/insight/1.0"}) {
    EXPECT_TRUE(problems(std::string(kDatacenter) + "  api_root: " + good + "\n").empty()) << good;
  }
  for (const char* bad : {"rest/assets/1.0", "/api/assets", "/rest/", "/rest/../admin",
                          "/rest/assets 1.0", "/rest//assets", "/rest/a?x=1"}) {
    expect_one_problem(std::string(kDatacenter) + "  api_root: \"" + bad + "\"\n",
                       "insight.api_root", "expected auto or a REST root");
  }
}

TEST_F(InsightSectionTest, CloudRequiresItsTokenFile) {
  expect_one_problem("insight:\n  mode: cloud\n", "insight.cloud.token_file",
                     "required with mode: cloud");
}

TEST_F(InsightSectionTest, CloudRequiresAnHttpsInfoUrl) {
  expect_one_problem(std::string(kCloud) + "    info_url: http://api.atlassian.com/x\n",
                     "insight.cloud.info_url", "must start with https://");
}

TEST_F(InsightSectionTest, ChunkObjectsRangeFromOneToFiveThousand) {
  expect_one_problem(std::string(kCloud) + "    chunk_objects: 0\n", "insight.cloud.chunk_objects",
                     "must be from 1 to 5000");
  expect_one_problem(std::string(kCloud) + "    chunk_objects: 5001\n",
                     "insight.cloud.chunk_objects", "must be from 1 to 5000");
  EXPECT_TRUE(problems(std::string(kCloud) + "    chunk_objects: 1\n").empty());
}

TEST_F(InsightSectionTest, MaxObjectsIsPositive) {
  expect_one_problem(std::string(kCloud) + "    max_objects: 0\n", "insight.cloud.max_objects",
                     "must be from 1 to");
}

TEST_F(InsightSectionTest, KeysOfTheOtherModeAreErrors) {
  expect_one_problem(std::string(kCloud) + "  url: https://jira.example.com\n", "insight.url",
                     "applies only to mode: datacenter");
  expect_one_problem(std::string(kDatacenter) + "  cloud: { chunk_objects: 10 }\n", "insight.cloud",
                     "applies only to mode: cloud");
}

TEST_F(InsightSectionTest, ModeOffStillChecksTheValuesGiven) {
  expect_one_problem("insight:\n  mode: off\n  url: http://jira.example.com\n", "insight.url",
                     "must start with https://");
  EXPECT_TRUE(problems("insight:\n  mode: off\n  url: https://jira.example.com\n").empty());
}

TEST_F(InsightSectionTest, ChecksScheduleTimeoutAndAfterPublish) {
  expect_one_problem(std::string(kCloud) + "  schedule: \" \"\n", "insight.schedule",
                     "must not be empty");
  expect_one_problem(std::string(kCloud) + "  timeout: 8d\n", "insight.timeout", "at most");
  expect_one_problem(std::string(kCloud) + "  after_publish: yes\n", "insight.after_publish",
                     "expected true or false");
}

TEST_F(InsightSectionTest, NeverEchoesTheProxyPassword) {
  auto found = problems(std::string(kCloud) + "  proxy: http://bob:hunter2@proxy.example\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].key(), "insight.proxy");
  EXPECT_EQ(std::string(found[0].what()).find("hunter2"), std::string::npos) << found[0].what();
}

TEST_F(InsightSectionTest, ReportsEveryProblemOfTheSectionAtOnce) {
  auto found = problems(
      "insight:\n  mode: datacenter\n  url: http://j.example\n"
      "  imports: { vm: -1 }\n  cloud: {}\n");
  std::vector<std::string> keys;
  for (const auto& problem : found) keys.push_back(problem.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"insight.url", "insight.imports.vm", "insight.cloud",
                                            "insight.token_file", "insight.imports"}));
}

}  // namespace
}  // namespace qi::config
