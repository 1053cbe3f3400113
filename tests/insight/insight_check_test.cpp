// What `check` says about the insight section beyond the YAML (insight/insight_check.hpp).
#include "insight/insight_check.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "support/temp_dir.hpp"

namespace qi::insight {
namespace {

using config::InsightMode;

class InsightCheckTest : public ::testing::Test {
 protected:
  InsightCheckTest() {
    config_.source = dir_.path() / "config.yaml";
    config_.insight.mode = InsightMode::cloud;
    config_.insight.cloud.token_file = write("cloud.token", "container-token\n");
  }

  std::filesystem::path write(const std::string& name, const std::string& content) {
    auto path = dir_.path() / name;
    std::ofstream(path, std::ios::binary) << content;
    ::chmod(path.c_str(), 0600);
    return path;
  }

  // The keys of the problems found.
  std::vector<std::string> problem_keys() {
    std::vector<std::string> keys;
    for (const auto& problem : insight_problems(config_)) {
      EXPECT_EQ(problem.file(), config_.source.string());
      keys.push_back(problem.key());
    }
    return keys;
  }

  qi::testing::TempDir dir_;
  config::Config config_;
};

TEST_F(InsightCheckTest, FindsNothingWrongWithAValidCloudSection) {
  EXPECT_TRUE(insight_problems(config_).empty());
  EXPECT_TRUE(insight_warnings(config_).empty());
}

TEST_F(InsightCheckTest, SaysNothingWhenTheModeIsOff) {
  config_.insight.mode = InsightMode::off;
  config_.insight.schedule = "not cron";
  EXPECT_TRUE(insight_problems(config_).empty());
}

TEST_F(InsightCheckTest, RefusesAScheduleThatIsNoCronExpression) {
  config_.insight.schedule = "every night";
  EXPECT_EQ(problem_keys(), std::vector<std::string>{"insight.schedule"});
}

TEST_F(InsightCheckTest, RefusesAScheduleThatNeverFires) {
  config_.insight.schedule = "0 0 30 2 *";
  const auto problems = insight_problems(config_);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].reason().find("the import would never run"), std::string::npos)
      << problems[0].what();
}

TEST_F(InsightCheckTest, NamesTheKeyOfAMissingTokenFile) {
  config_.insight.cloud.token_file = dir_.path() / "missing.token";
  const auto problems = insight_problems(config_);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].key(), "insight.cloud.token_file");
  EXPECT_NE(problems[0].reason().find("missing.token: cannot open token file"), std::string::npos)
      << problems[0].what();
}

TEST_F(InsightCheckTest, ReadsTheDataCenterCredentialsFileWithoutEchoingIt) {
  config_.insight.mode = InsightMode::datacenter;
  config_.insight.credentials_file = write("jira.auth", "svc-qualys hunter2 extra\n");
  const auto problems = insight_problems(config_);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].key(), "insight.credentials_file");
  EXPECT_EQ(std::string(problems[0].what()).find("hunter2"), std::string::npos);
}

TEST_F(InsightCheckTest, ReadsTheDataCenterTokenFileWhenOneIsSet) {
  config_.insight.mode = InsightMode::datacenter;
  config_.insight.token_file = write("jira.token", "");
  EXPECT_EQ(problem_keys(), std::vector<std::string>{"insight.token_file"});
}

TEST_F(InsightCheckTest, RefusesACaFileWithoutACertificate) {
  config_.insight.ca_file = write("ca.pem", "not a certificate\n");
  EXPECT_EQ(problem_keys(), std::vector<std::string>{"insight.ca_file"});
}

TEST_F(InsightCheckTest, WarnsAboutATokenFileOthersCanRead) {
  ::chmod(config_.insight.cloud.token_file.c_str(), 0644);
  const auto warnings = insight_warnings(config_);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("it holds a token: chmod 600"), std::string::npos) << warnings[0];
}

}  // namespace
}  // namespace qi::insight
