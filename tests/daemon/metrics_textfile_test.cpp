// metrics.textfile on disk: replaced whole with mode 0644, never created where the directory is
// missing, and checked by `check` (its directory, its place outside output.dir and state.dir).
#include "metrics_textfile.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "config/config_loader.hpp"
#include "loaded_config.hpp"
#include "support/temp_dir.hpp"
#include "support/umask_for_test.hpp"

namespace qi::daemon {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(MetricsTextfile, ReplacesTheFileWholeWithMode0644WhateverTheUmask) {
  qi::testing::TempDir dir;
  const auto file = dir.path() / "qualys-insight.prom";
  qi::testing::UmaskForTest umask(077);
  ASSERT_TRUE(write_metrics_textfile(file, "first 1\n"));
  ASSERT_TRUE(write_metrics_textfile(file, "second 2\n"));

  EXPECT_EQ(read_text(file), "second 2\n");
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0644u);
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"qualys-insight.prom"});
}

TEST(MetricsTextfile, DoesNotCreateAMissingDirectory) {
  qi::testing::TempDir dir;
  EXPECT_FALSE(write_metrics_textfile(dir.path() / "missing" / "q.prom", "x 1\n"));
  EXPECT_FALSE(fs::exists(dir.path() / "missing"));
}

TEST(MetricsTextfile, WritesNothingWhenMetricsAreOff) {
  EXPECT_FALSE(write_metrics_textfile({}, "x 1\n"));
}

TEST(MetricsTextfile, WritesTheBookAtEveryRunStartAndEnd) {
  qi::testing::TempDir dir;
  const auto file = dir.path() / "q.prom";
  config::Config config;
  config.source = "/etc/q.yaml";
  config.metrics.textfile = file;
  MetricsTextfile metrics;
  metrics.configure(config, 3);
  metrics.write();
  EXPECT_NE(read_text(file).find("\nqualys_insightd_config_generation{config=\"/etc/q.yaml\"} 3\n"),
            std::string::npos);
  EXPECT_NE(
      read_text(file).find("qualys_insightd_build_info{config=\"/etc/q.yaml\",version=\"" QI_VERSION
                           "\"} 1\n"),
      std::string::npos);

  metrics.started(jobs::JobKind::vm,
                  std::chrono::system_clock::time_point(std::chrono::seconds(7)));
  EXPECT_NE(read_text(file).find("qualys_insightd_last_start_timestamp_seconds{config=\"/etc/"
                                 "q.yaml\",qualys_job=\"vm\"} 7\n"),
            std::string::npos);

  jobs::RunOutcome outcome;
  outcome.kind = jobs::JobKind::vm;
  outcome.status = jobs::RunStatus::failed;
  metrics.finished(outcome);
  EXPECT_NE(read_text(file).find(
                "qualys_insightd_last_run_failed{config=\"/etc/q.yaml\",qualys_job=\"vm\"} 1\n"),
            std::string::npos);
}

TEST(MetricsTextfileProblem, NamesAMissingDirectory) {
  qi::testing::TempDir dir;
  const auto problem = metrics_textfile_problem(dir.path() / "missing" / "q.prom");
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("does not exist"), std::string::npos) << *problem;
}

TEST(MetricsTextfileProblem, NamesAFileWhereTheDirectoryShouldBe) {
  qi::testing::TempDir dir;
  std::ofstream(dir.path() / "file") << "x";
  const auto problem = metrics_textfile_problem(dir.path() / "file" / "q.prom");
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("is not a directory"), std::string::npos) << *problem;
}

TEST(MetricsTextfileProblem, NamesATextfileThatIsADirectory) {
  qi::testing::TempDir dir;
  fs::create_directory(dir.path() / "q.prom");
  const auto problem = metrics_textfile_problem(dir.path() / "q.prom");
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("is a directory"), std::string::npos) << *problem;
}

TEST(MetricsTextfileProblem, AcceptsAWritableDirectoryAndLeavesNothingBehind) {
  qi::testing::TempDir dir;
  EXPECT_FALSE(metrics_textfile_problem(dir.path() / "q.prom"));
  EXPECT_TRUE(names_in(dir.path()).empty());
}

class MetricsConfig : public ::testing::Test {
 protected:
  // The keys of the problems `check` finds in a config with `metrics` as its metrics section.
  std::vector<std::string> problem_keys(const std::string& metrics) {
    const auto credentials = dir_.path() / "auth.conf";
    std::ofstream(credentials) << "user password\n";
    fs::permissions(credentials, fs::perms::owner_read | fs::perms::owner_write);
    fs::create_directories(dir_.path() / "out");
    fs::create_directories(dir_.path() / "node-exporter");
    const auto file = dir_.path() / "config.yaml";
    std::ofstream(file) << "qualys: { platform: US1, credentials_file: " << credentials.string()
                        << " }\noutput: { dir: out }\nstate: { dir: state }\n"
                        << metrics << "\n";
    std::vector<std::string> keys;
    for (const auto& problem : find_problems(file)) keys.push_back(problem.key());
    return keys;
  }

  qi::testing::TempDir dir_;
};

TEST_F(MetricsConfig, AcceptsAPromFileInAnExistingDirectory) {
  EXPECT_EQ(problem_keys("metrics: { textfile: node-exporter/q.prom }"),
            std::vector<std::string>{});
  config::Config config;
  config::check_config(dir_.path() / "config.yaml", &config);
  EXPECT_EQ(config.metrics.textfile, dir_.path() / "node-exporter" / "q.prom");
}

TEST_F(MetricsConfig, IsOffByDefault) {
  EXPECT_EQ(problem_keys(""), std::vector<std::string>{});
  config::Config config;
  config::check_config(dir_.path() / "config.yaml", &config);
  EXPECT_TRUE(config.metrics.textfile.empty());
}

TEST_F(MetricsConfig, RejectsANameNodeExporterWouldNotRead) {
  EXPECT_EQ(problem_keys("metrics: { textfile: node-exporter/q.txt }"),
            std::vector<std::string>{"metrics.textfile"});
}

TEST_F(MetricsConfig, RejectsAFileInsideTheOutputOrTheStateDirectory) {
  EXPECT_EQ(problem_keys("metrics: { textfile: out/q.prom }"),
            std::vector<std::string>{"metrics.textfile"});
  EXPECT_EQ(problem_keys("metrics: { textfile: state/metrics/q.prom }"),
            std::vector<std::string>{"metrics.textfile"});
}

TEST_F(MetricsConfig, RejectsAMissingDirectory) {
  EXPECT_EQ(problem_keys("metrics: { textfile: missing/q.prom }"),
            std::vector<std::string>{"metrics.textfile"});
}

}  // namespace
}  // namespace qi::daemon
