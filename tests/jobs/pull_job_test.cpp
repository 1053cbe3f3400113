// The job skeleton (jobs/pull_job) with a job that pulls from a table in memory: what it
// publishes, what it keeps only in the base, and its incremental and fallback paths. No network.
#include "jobs/pull_job.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <fstream>
#include <map>
#include <sstream>

#include "net/origin.hpp"
#include "support/temp_dir.hpp"

namespace qi::jobs {
namespace {

constexpr std::array<std::string_view, 2> kTableHeader = {"ID", "Value"};
constexpr std::array<std::string_view, 2> kExtraHeader = {"ID", "Extra"};

// A job whose "Qualys" is `remote`: a full pull writes every row, an incremental one only the
// rows of `changed_ids`. Every row also goes to a file only the base keeps.
class TablePull final : public PullJob {
 public:
  std::map<int, std::string> remote;
  std::vector<int> changed_ids;
  std::optional<std::string> problem;  // what merged_problem says
  int full_pulls = 0;
  int incremental_pulls = 0;

  std::vector<JobFile> files() const override {
    return {{"table.csv", kTableHeader}, {"table-extra.csv", kExtraHeader, false}};
  }

  asio::awaitable<void> pull(JobCalls&, const PullRun& run, PullOutput out) override {
    const auto write = [&](int id) {
      out[0]->write_row({std::to_string(id), remote.at(id)});
      out[1]->write_row({std::to_string(id), "extra " + remote.at(id)});
    };
    if (run.plan.incremental) {
      ++incremental_pulls;
      for (const int id : changed_ids) write(id);
    } else {
      ++full_pulls;
      for (const auto& [id, value] : remote) write(id);
    }
    co_return;
  }

  asio::awaitable<Changes> changes(JobCalls&, const PullRun&) override { co_return Changes{}; }

  std::optional<std::string> merged_problem(PullOutput) override { return problem; }

  std::string summary(const PullOutcome& outcome) const override {
    return fmt::format("{} rows, {}", outcome.files[0]->rows(),
                       outcome.incremental ? "incremental" : "full pull");
  }
};

// The session is only there to be handed around: the table job makes no call.
class NoNetwork final : public net::HttpClient {
 public:
  asio::awaitable<void> send(const net::HttpRequest&, net::ResponseSink&) override {
    throw std::logic_error("no request expected");
    co_return;
  }
};

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class PullJobSkeleton : public ::testing::Test {
 protected:
  PullJobSkeleton() {
    config_.output.dir = dir_.path() / "output";
    config_.state.dir = dir_.path() / "state";
    std::filesystem::create_directories(config_.output.dir);
    std::filesystem::create_directories(config_.state.dir);
  }

  JobResult run(TablePull& job) {
    boost::asio::io_context io;
    NoNetwork http;
    qualys::QualysSession session(io.get_executor(), http,
                                  {net::parse_origin("https://qualysapi.example.com"),
                                   net::parse_origin("https://gateway.example.com")},
                                  {"user", "password", ""}, config_.qualys);
    JobEnvironment env{session, config_, qualys::CallContext{"kb", {}, "run"}};
    env.context.deadline = std::chrono::steady_clock::time_point::max();
    JobResult result;
    boost::asio::co_spawn(io, run_pull_job(env, JobKind::kb, job),
                          [&](std::exception_ptr error, JobResult done) {
                            if (error) std::rethrow_exception(error);
                            result = std::move(done);
                          });
    io.run();
    return result;
  }

  std::string published() const { return read_text(config_.output.dir / "table.csv"); }

  qi::testing::TempDir dir_;
  config::Config config_;
};

TEST_F(PullJobSkeleton, PublishesThePublishedFilesAndKeepsTheOthersOnlyInTheBase) {
  TablePull job;
  job.remote = {{1, "a"}, {2, "b"}};
  const auto result = run(job);

  EXPECT_EQ(published(), "\"ID\",\"Value\"\n\"1\",\"a\"\n\"2\",\"b\"\n");
  EXPECT_FALSE(std::filesystem::exists(config_.output.dir / "table-extra.csv"));
  ASSERT_EQ(result.files.size(), 1u);
  EXPECT_EQ(result.files[0].name, "table.csv");
  EXPECT_EQ(result.files[0].rows, 2u);
  EXPECT_EQ(result.summary, "2 rows, full pull");
  std::vector<std::string> extras;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(config_.state.dir / "base")) {
    if (entry.path().filename() == "table-extra.csv") extras.push_back(read_text(entry.path()));
  }
  ASSERT_EQ(extras.size(), 1u);
  EXPECT_EQ(extras[0], "\"ID\",\"Extra\"\n\"1\",\"extra a\"\n\"2\",\"extra b\"\n");
}

TEST_F(PullJobSkeleton, MergesAnIncrementalPullIntoTheBase) {
  TablePull job;
  job.remote = {{1, "a"}, {2, "b"}, {3, "c"}};
  run(job);
  job.remote[2] = "B";
  job.changed_ids = {2};
  const auto result = run(job);

  EXPECT_EQ(job.full_pulls, 1);
  EXPECT_EQ(job.incremental_pulls, 1);
  EXPECT_EQ(published(), "\"ID\",\"Value\"\n\"1\",\"a\"\n\"2\",\"B\"\n\"3\",\"c\"\n");
  EXPECT_EQ(result.summary, "3 rows, incremental");
}

TEST_F(PullJobSkeleton, PullsEverythingWhenTheMergedFilesFailTheJobsCheck) {
  TablePull job;
  job.remote = {{1, "a"}, {2, "b"}, {3, "c"}};
  run(job);
  // A deleted row, which only a full pull notices; the job's check says so after the merge.
  job.remote.erase(1);
  job.problem = "a row too many";
  const auto result = run(job);

  EXPECT_EQ(job.incremental_pulls, 1);
  EXPECT_EQ(job.full_pulls, 2);
  EXPECT_EQ(published(), "\"ID\",\"Value\"\n\"2\",\"b\"\n\"3\",\"c\"\n");
  EXPECT_EQ(result.summary, "2 rows, full pull");
}

}  // namespace
}  // namespace qi::jobs
