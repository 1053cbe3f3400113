// state_dir_problem: what `check` says about state.dir before a run would fail on it.
#include "state/state_dir.hpp"

#include <grp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "support/temp_dir.hpp"

namespace qi::state {
namespace {

namespace fs = std::filesystem;

constexpr uid_t kNobody = 65534;

// state_dir_problem(dir) as seen by an unprivileged user. Root may write anywhere, so as root
// the check runs in a child process that has become `nobody`; the answer comes back by a pipe.
std::optional<std::string> problem_as_unprivileged_user(const fs::path& dir) {
  if (::geteuid() != 0) return state_dir_problem(dir);
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    if (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0) {
      ::_exit(2);
    }
    const auto problem = state_dir_problem(dir);
    const std::string answer = problem ? "1" + *problem : "0";
    const bool written =
        ::write(fds[1], answer.data(), answer.size()) == static_cast<ssize_t>(answer.size());
    ::_exit(written ? 0 : 3);
  }
  ::close(fds[1]);
  std::string answer;
  char buffer[512];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) answer.append(buffer, n);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || answer.empty()) {
    throw std::runtime_error("the unprivileged check did not answer");
  }
  if (answer[0] == '0') return std::nullopt;
  return answer.substr(1);
}

// Writable for the user problem_as_unprivileged_user runs as.
void give_to_unprivileged_user(const fs::path& path) {
  if (::geteuid() == 0 && ::chown(path.c_str(), kNobody, kNobody) != 0) {
    throw std::runtime_error("chown failed: " + path.string());
  }
}

class StateDirTest : public ::testing::Test {
 protected:
  StateDirTest() {
    // mkdtemp makes it 0700; the unprivileged user must be able to reach what is inside.
    fs::permissions(dir_.path(), fs::perms::owner_all | fs::perms::group_exec |
                                     fs::perms::others_exec | fs::perms::group_read |
                                     fs::perms::others_read);
  }

  qi::testing::TempDir dir_;
};

TEST_F(StateDirTest, AcceptsAWritableDirectoryAndLeavesNothingInIt) {
  const fs::path state = dir_.path() / "state";
  fs::create_directory(state);
  give_to_unprivileged_user(state);
  EXPECT_EQ(problem_as_unprivileged_user(state), std::nullopt);
  EXPECT_TRUE(fs::is_empty(state));
}

TEST_F(StateDirTest, AcceptsAMissingDirectoryThatCanBeCreatedWithoutCreatingIt) {
  const fs::path parent = dir_.path() / "lib";
  fs::create_directory(parent);
  give_to_unprivileged_user(parent);
  EXPECT_EQ(problem_as_unprivileged_user(parent / "qualys-insight" / "state"), std::nullopt);
  EXPECT_TRUE(fs::is_empty(parent));
}

TEST_F(StateDirTest, RejectsADirectoryItCannotCreateFilesIn) {
  const fs::path state = dir_.path() / "state";
  fs::create_directory(state);
  fs::permissions(state, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                             fs::perms::group_exec | fs::perms::others_read |
                             fs::perms::others_exec);
  EXPECT_EQ(problem_as_unprivileged_user(state),
            "cannot create files in state directory " + state.string() +
                ": Permission denied (state.dir must be writable by the daemon's user)");
}

TEST_F(StateDirTest, RejectsAMissingDirectoryWhoseParentIsNotWritable) {
  const fs::path parent = dir_.path() / "lib";
  fs::create_directory(parent);
  fs::permissions(parent, fs::perms::owner_write, fs::perm_options::remove);
  const auto problem = problem_as_unprivileged_user(parent / "state");
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->rfind("cannot create state directory " + (parent / "state").string() + " in " +
                               parent.string() + ": Permission denied",
                           0),
            0u)
      << *problem;
}

TEST_F(StateDirTest, RejectsALockFileLeftByAnotherUser) {
  const fs::path state = dir_.path() / "state";
  fs::create_directory(state);
  give_to_unprivileged_user(state);
  std::ofstream(state / "kb.lock") << "process 1 (run)\n";
  fs::permissions(state / "kb.lock",
                  fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  const auto problem = problem_as_unprivileged_user(state);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->rfind("cannot open lock file " + (state / "kb.lock").string() +
                               " for writing: Permission denied",
                           0),
            0u)
      << *problem;
}

TEST_F(StateDirTest, RejectsAFileWhereTheDirectoryShouldBe) {
  const fs::path file = dir_.path() / "state";
  std::ofstream(file) << "not a directory\n";
  EXPECT_EQ(state_dir_problem(file), "state directory " + file.string() + " is not a directory");
  EXPECT_EQ(state_dir_problem(file / "sub"),
            "cannot access " + (file / "sub").string() + ": Not a directory");
}

}  // namespace
}  // namespace qi::state
