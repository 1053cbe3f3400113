// The ranges of numeric and duration keys (non-finite fractions, integers past 64 bits, each
// duration's documented maximum) and the separation of state.dir from output.dir.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "config/config_loader.hpp"
#include "support/temp_dir.hpp"

namespace qi::config {
namespace {

class ConfigLimitsTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& content) {
    auto path = dir_.path() / "config.yaml";
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // The keys of the problems of `content`, in order.
  std::vector<std::string> error_keys(const std::string& content) {
    std::vector<std::string> keys;
    for (const auto& error : check_config(write(content))) keys.push_back(error.key());
    return keys;
  }

  // The reason of the single problem of `content` (a test failure when there is not exactly one).
  std::string only_reason(const std::string& content) {
    auto errors = check_config(write(content));
    EXPECT_EQ(errors.size(), 1u) << content;
    for (const auto& error : errors) {
      if (errors.size() != 1u) ADD_FAILURE() << "error: " << error.what();
    }
    return errors.empty() ? std::string() : errors.front().reason();
  }

  qi::testing::TempDir dir_;
};

// `{ key: value }` nested under the dotted path, as flow YAML.
std::string yaml_at(const std::string& dotted_key, const std::string& value) {
  std::string out;
  std::string closing;
  std::string rest = dotted_key;
  for (std::size_t dot = rest.find('.'); dot != std::string::npos; dot = rest.find('.')) {
    out += rest.substr(0, dot) + ": { ";
    closing += " }";
    rest.erase(0, dot + 1);
  }
  return out + rest + ": " + value + closing + "\n";
}

TEST_F(ConfigLimitsTest, RejectsNotANumberAndInfinityInEveryFractionKey) {
  for (const char* key : {"jobs.assets.min_ratio", "jobs.kb.min_ratio", "jobs.vm.min_ratio",
                          "jobs.assets.count_tolerance"}) {
    for (const char* value : {"nan", "NaN", "-nan", "nan%", "inf", "-inf", "infinity", "1e999"}) {
      SCOPED_TRACE(std::string(key) + ": " + value);
      EXPECT_EQ(error_keys(yaml_at(key, value)), std::vector<std::string>{key});
    }
  }
}

TEST_F(ConfigLimitsTest, SaysAFractionMustBeANumberFromZeroToOne) {
  EXPECT_EQ(only_reason("jobs: { kb: { min_ratio: nan } }"),
            "must be a number from 0 to 1 (0% to 100%), got \"nan\" (line 1, column 26)");
}

TEST_F(ConfigLimitsTest, StillAcceptsFractionsAndPercentagesInRange) {
  Config config =
      load_config(write("jobs: { kb: { min_ratio: 0 }, vm: { min_ratio: 100% },"
                        " assets: { count_tolerance: 0.5% } }\n"));
  EXPECT_EQ(config.jobs.kb.min_ratio, 0.0);
  EXPECT_EQ(config.jobs.vm.min_ratio, 1.0);
  EXPECT_DOUBLE_EQ(config.jobs.assets.count_tolerance, 0.005);
}

TEST_F(ConfigLimitsTest, ReportsAnIntegerTooLargeForSixtyFourBitsAsOutOfRange) {
  EXPECT_EQ(only_reason("qualys: { max_concurrency: 99999999999999999999 }"),
            "must be from 1 to 10, got \"99999999999999999999\" (line 1, column 28)");
  EXPECT_EQ(error_keys("qualys: { max_body_bytes: -99999999999999999999 }"),
            std::vector<std::string>{"qualys.max_body_bytes"});
}

TEST_F(ConfigLimitsTest, RejectsNonNumbersInEveryIntegerKey) {
  for (const char* key :
       {"qualys.max_body_bytes", "qualys.max_concurrency", "qualys.rate_limit_reserve",
        "qualys.retry.max_attempts", "jobs.assets.page_size", "jobs.assets.empty_page_retries",
        "jobs.assets.assets_per_window", "jobs.kb.window_size", "jobs.kb.max_qid",
        "jobs.vm.truncation_limit", "jobs.vm.hosts_per_window"}) {
    for (const char* value : {"nan", "inf", "-1", "1e3", "0x10", "2.5"}) {
      SCOPED_TRACE(std::string(key) + ": " + value);
      EXPECT_EQ(error_keys(yaml_at(key, value)), std::vector<std::string>{key});
    }
  }
}

struct DurationLimit {
  const char* key;
  const char* largest;  // the documented maximum: accepted
  const char* over;     // one millisecond more: rejected
};

// docs/configuration.md lists the same maxima.
const std::vector<DurationLimit>& duration_limits() {
  static const std::vector<DurationLimit> limits = {
      {"qualys.timeouts.resolve", "1h", "1h1ms"},
      {"qualys.timeouts.connect", "1h", "1h1ms"},
      {"qualys.timeouts.handshake", "1h", "1h1ms"},
      {"qualys.timeouts.write", "1h", "1h1ms"},
      {"qualys.timeouts.idle_read", "1h", "1h1ms"},
      {"qualys.retry.backoff_max", "1h", "1h1ms"},
      {"qualys.retry.max_server_wait", "1d", "1d1ms"},
      {"jobs.kb.timeout", "7d", "7d1ms"},
      {"jobs.vm.catch_up_window", "366d", "366d1ms"},
      {"jobs.assets.jitter", "1d", "1d1ms"},
      {"jobs.kb.full_refresh", "366d", "366d1ms"},
      {"jobs.vm.incremental_margin", "7d", "7d1ms"},
  };
  return limits;
}

TEST_F(ConfigLimitsTest, AcceptsEachDurationUpToItsDocumentedMaximum) {
  for (const auto& limit : duration_limits()) {
    SCOPED_TRACE(limit.key);
    EXPECT_EQ(error_keys(yaml_at(limit.key, limit.largest)), std::vector<std::string>{});
  }
  // backoff_initial may not exceed backoff_max, so it is raised together with it.
  EXPECT_EQ(error_keys("qualys: { retry: { backoff_initial: 1h, backoff_max: 1h } }"),
            std::vector<std::string>{});
}

TEST_F(ConfigLimitsTest, RejectsEachDurationAboveItsDocumentedMaximum) {
  for (const auto& limit : duration_limits()) {
    SCOPED_TRACE(limit.key);
    EXPECT_EQ(error_keys(yaml_at(limit.key, limit.over)), std::vector<std::string>{limit.key});
  }
  EXPECT_EQ(error_keys("qualys: { retry: { backoff_initial: 1h1ms, backoff_max: 1h } }"),
            std::vector<std::string>{"qualys.retry.backoff_initial"});
}

TEST_F(ConfigLimitsTest, RejectsDurationsThatWouldOverflowATimerWithTheMaximum) {
  // 107000d is past the 292 years a steady_clock deadline can hold: the timeout used to fire at
  // once, and the jitter wait used to end at once.
  EXPECT_EQ(only_reason("jobs: { kb: { timeout: 107000d } }"),
            "must be at most 7d, got \"107000d\" (line 1, column 24)");
  EXPECT_EQ(only_reason("jobs: { vm: { jitter: 200000000d } }"),
            "must be at most 1d, got \"200000000d\" (line 1, column 23)");
  // However many digits: the parser says "too large" without overflowing.
  EXPECT_EQ(error_keys("jobs: { kb: { timeout: " + std::string(400, '9') + "s } }"),
            std::vector<std::string>{"jobs.kb.timeout"});
}

TEST_F(ConfigLimitsTest, RejectsAStateDirInsideTheOutputDir) {
  const std::string reason = only_reason("output: { dir: out }\nstate: { dir: out/state }\n");
  EXPECT_NE(reason.find("is inside output.dir"), std::string::npos) << reason;
  EXPECT_EQ(error_keys("output: { dir: out }\nstate: { dir: out/state }\n"),
            std::vector<std::string>{"state.dir"});
}

TEST_F(ConfigLimitsTest, RejectsAStateDirThatIsTheOutputDirWrittenDifferently) {
  std::filesystem::create_directories(dir_.path() / "out");
  const std::string reason = only_reason("output: { dir: out }\nstate: { dir: out/../out/ }\n");
  EXPECT_NE(reason.find("is the same directory as output.dir"), std::string::npos) << reason;
}

TEST_F(ConfigLimitsTest, RejectsAStateDirReachedThroughASymbolicLinkIntoTheOutputDir) {
  std::filesystem::create_directories(dir_.path() / "out");
  std::filesystem::create_directory_symlink(dir_.path() / "out", dir_.path() / "link");
  EXPECT_EQ(error_keys("output: { dir: out }\nstate: { dir: link/state }\n"),
            std::vector<std::string>{"state.dir"});
}

TEST_F(ConfigLimitsTest, RejectsAnOutputDirInsideTheStateDir) {
  EXPECT_EQ(error_keys("output: { dir: state/base/out }\nstate: { dir: state }\n"),
            std::vector<std::string>{"output.dir"});
}

TEST_F(ConfigLimitsTest, AcceptsSiblingDirectoriesThatShareANamePrefix) {
  EXPECT_EQ(error_keys("output: { dir: out }\nstate: { dir: out-state }\n"),
            std::vector<std::string>{});
}

}  // namespace
}  // namespace qi::config
