#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "common/error.hpp"
#include "state/job_lock.hpp"
#include "state/state_file.hpp"
#include "support/temp_dir.hpp"
#include "support/umask_for_test.hpp"

namespace qi::state {
namespace {

using qi::testing::UmaskForTest;

TEST(StateFile, IsEmptyWhenMissing) {
  qi::testing::TempDir dir;
  EXPECT_TRUE(read_state(dir.path() / "state.json").jobs.empty());
}

TEST(StateFile, RoundTripsEveryField) {
  qi::testing::TempDir dir;
  DaemonState state;
  auto& kb = state.jobs["kb"];
  kb.last_scheduled = *parse_time("2026-11-28T02:00:00Z");
  kb.run_id = "kb-20261128T020000Z-abcd";
  kb.started = *parse_time("2026-11-28T02:00:01Z");
  kb.finished = *parse_time("2026-11-28T02:10:00Z");
  kb.result = RunResult::succeeded;
  kb.files = {{"vulnkb.csv", 160000, 12345678}, {"cve.csv", 250000, 7654321}};
  kb.api_calls = 21;
  kb.api_bytes = 99999999999ULL;
  kb.last_success = kb.finished;
  kb.next_firing = *parse_time("2026-11-29T02:00:00Z");
  kb.references["vm_qids_missing_from_vulnkb"] = {12, {"2000000001", "2000000002"}};
  write_state(dir.path() / "state.json", state);

  auto back = read_state(dir.path() / "state.json");
  ASSERT_EQ(back.jobs.count("kb"), 1u);
  const auto& b = back.jobs["kb"];
  EXPECT_EQ(b.last_scheduled, kb.last_scheduled);
  EXPECT_EQ(b.run_id, kb.run_id);
  EXPECT_EQ(b.finished, kb.finished);
  EXPECT_EQ(b.result, RunResult::succeeded);
  ASSERT_EQ(b.files.size(), 2u);
  EXPECT_EQ(b.files[1].name, "cve.csv");
  EXPECT_EQ(b.files[1].rows, 250000u);
  EXPECT_EQ(b.api_bytes, 99999999999ULL);
  EXPECT_EQ(b.next_firing, kb.next_firing);
  EXPECT_EQ(b.references.at("vm_qids_missing_from_vulnkb").count, 12u);
  EXPECT_EQ(b.references.at("vm_qids_missing_from_vulnkb").first.at(1), "2000000002");
  EXPECT_NE(
      describe_state(back).find("vm_qids_missing_from_vulnkb: 12 (first: 2000000001, 2000000002)"),
      std::string::npos);
  EXPECT_NE(describe_state(back).find("vulnkb.csv: 160000 rows"), std::string::npos);
}

TEST(StateFile, ReplacesTheFileAtomicallyLeavingNoTempFiles) {
  qi::testing::TempDir dir;
  DaemonState state;
  state.jobs["vm"].result = RunResult::failed;
  write_state(dir.path() / "state.json", state);
  write_state(dir.path() / "state.json", state);
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path()))
    ++files;
  EXPECT_EQ(files, 1);
}

TEST(StateFile, RejectsACorruptFileWithAClearError) {
  qi::testing::TempDir dir;
  std::ofstream(dir.path() / "state.json") << "{not json";
  EXPECT_THROW(read_state(dir.path() / "state.json"), FatalError);
}

TEST(JobLock, IsExclusiveBetweenProcessesAndNamesTheHolder) {
  qi::testing::TempDir dir;
  auto lock = JobLock::try_acquire(dir.path(), "kb", "daemon");
  ASSERT_TRUE(lock);
  // flock locks belong to open file descriptions: a child process must be refused.
  const pid_t child = ::fork();
  if (child == 0) {
    std::string holder;
    auto second = JobLock::try_acquire(dir.path(), "kb", "run", &holder);
    const bool names_holder =
        holder.find("process " + std::to_string(::getppid())) != std::string::npos &&
        holder.find("daemon") != std::string::npos;
    ::_exit(!second && names_holder ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(JobLock, IsReleasedWhenTheHolderGoesAway) {
  qi::testing::TempDir dir;
  {
    auto lock = JobLock::try_acquire(dir.path(), "vm", "run");
    ASSERT_TRUE(lock);
  }
  EXPECT_TRUE(JobLock::try_acquire(dir.path(), "vm", "run"));
}

TEST(JobLock, LocksJobsIndependently) {
  qi::testing::TempDir dir;
  auto kb = JobLock::try_acquire(dir.path(), "kb", "run");
  auto vm = JobLock::try_acquire(dir.path(), "vm", "run");
  EXPECT_TRUE(kb);
  EXPECT_TRUE(vm);
}

mode_t permissions_of(const std::filesystem::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

TEST(StateDirectory, IsCreated0750WithItsFiles0600UnderUmask000) {
  qi::testing::TempDir dir;
  const auto state_dir = dir.path() / "var" / "state";
  UmaskForTest umask(0);
  auto lock = JobLock::try_acquire(state_dir, "kb", "run");
  ASSERT_TRUE(lock);
  write_state(state_dir / "state.json", DaemonState{});
  EXPECT_EQ(permissions_of(dir.path() / "var"), 0750u);
  EXPECT_EQ(permissions_of(state_dir), 0750u);
  EXPECT_EQ(permissions_of(state_dir / "kb.lock"), 0600u);
  EXPECT_EQ(permissions_of(state_dir / "state.json"), 0600u);
}

TEST(StateDirectory, IsCreated0750AlsoUnderAStrictUmask) {
  qi::testing::TempDir dir;
  UmaskForTest umask(077);  // would leave the group out of a plain mkdir's 0750
  write_state(dir.path() / "state" / "state.json", DaemonState{});
  EXPECT_EQ(permissions_of(dir.path() / "state"), 0750u);
  EXPECT_EQ(permissions_of(dir.path() / "state" / "state.json"), 0600u);
}

TEST(StateDirectory, KeepsTheModeOfADirectoryThatExists) {
  qi::testing::TempDir dir;
  const auto state_dir = dir.path() / "state";
  std::filesystem::create_directory(state_dir);
  ::chmod(state_dir.c_str(), 0700);
  write_state(state_dir / "state.json", DaemonState{});
  EXPECT_EQ(permissions_of(state_dir), 0700u);
}

}  // namespace
}  // namespace qi::state
