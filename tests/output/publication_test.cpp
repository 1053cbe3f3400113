#include "output/publication.hpp"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "common/error.hpp"
#include "support/read_file.hpp"
#include "support/temp_dir.hpp"

namespace qi::output {
namespace {

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

std::set<std::string> names_in(const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

// A pid that certainly belongs to no process: a child that has exited and been reaped.
pid_t dead_pid() {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

class PublicationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir() / "vulnkb.csv", "old kb\n");
    write_file(dir() / "cve.csv", "old cve\n");
  }
  const std::filesystem::path& dir() const { return dir_.path(); }
  qi::testing::TempDir dir_;
};

TEST_F(PublicationTest, WritesIntoDotTempFilesInTheOutputDirectory) {
  Publication publication(dir(), {"vulnkb.csv", "cve.csv"});
  std::set<std::string> names = names_in(dir());
  EXPECT_EQ(names.size(), 4u);
  for (const std::string& name : names) {
    if (name == "vulnkb.csv" || name == "cve.csv") continue;
    EXPECT_TRUE(name.starts_with(".vulnkb.csv.tmp-" + std::to_string(::getpid()) + "-") ||
                name.starts_with(".cve.csv.tmp-" + std::to_string(::getpid()) + "-"))
        << name;
    struct stat st {};
    ASSERT_EQ(::stat((dir() / name).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0644u);
  }
}

TEST_F(PublicationTest, CommitReplacesEveryFileOnlyAtTheEnd) {
  Publication publication(dir(), {"vulnkb.csv", "cve.csv"});
  publication.writer("vulnkb.csv").write_row({"1", "title"});
  publication.writer("cve.csv").write_row({"1", "CVE-2024-0001"});
  publication.writer("vulnkb.csv").flush();
  EXPECT_EQ(testing::read_file(dir() / "vulnkb.csv"), "old kb\n");
  publication.commit();
  EXPECT_TRUE(publication.committed());
  EXPECT_EQ(testing::read_file(dir() / "vulnkb.csv"), "\"1\",\"title\"\n");
  EXPECT_EQ(testing::read_file(dir() / "cve.csv"), "\"1\",\"CVE-2024-0001\"\n");
  EXPECT_EQ(names_in(dir()), (std::set<std::string>{"cve.csv", "vulnkb.csv"}));
}

TEST_F(PublicationTest, CreatesTargetsThatDidNotExist) {
  {
    Publication publication(dir(), {"vm.csv"});
    publication.writer("vm.csv").write_header({"Host ID", "QG HostID", "QID"});
    publication.commit();
  }
  EXPECT_EQ(testing::read_file(dir() / "vm.csv"), "\"Host ID\",\"QG HostID\",\"QID\"\n");
  EXPECT_EQ(names_in(dir()).size(), 3u);
}

TEST_F(PublicationTest, DestructorRemovesTempsAndKeepsPreviousFilesByteIdentical) {
  try {
    Publication publication(dir(), {"vulnkb.csv", "cve.csv"});
    publication.writer("vulnkb.csv").write_row({"1", "new"});
    publication.writer("vulnkb.csv").sync();
    throw std::runtime_error("job cancelled");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(names_in(dir()), (std::set<std::string>{"cve.csv", "vulnkb.csv"}));
  EXPECT_EQ(testing::read_file(dir() / "vulnkb.csv"), "old kb\n");
  EXPECT_EQ(testing::read_file(dir() / "cve.csv"), "old cve\n");
}

TEST_F(PublicationTest, UndoesEarlierRenamesWhenALaterOneFails) {
  Publication publication(dir(), {"vulnkb.csv", "cve.csv"});
  publication.writer("vulnkb.csv").write_row({"1", "new"});
  publication.writer("cve.csv").write_row({"1", "CVE-1"});
  // Make the second move fail: its temp file vanishes behind our back.
  for (const std::string& name : names_in(dir())) {
    if (name.starts_with(".cve.csv.tmp-")) std::filesystem::remove(dir() / name);
  }
  EXPECT_THROW(publication.commit(), FatalError);
  EXPECT_FALSE(publication.committed());
  EXPECT_EQ(testing::read_file(dir() / "vulnkb.csv"), "old kb\n");
  EXPECT_EQ(testing::read_file(dir() / "cve.csv"), "old cve\n");
}

TEST_F(PublicationTest, ReportsATempFileThatCannotBeCreated) {
  try {
    Publication publication(dir() / "missing", {"vm.csv"});
    FAIL();
  } catch (const FatalError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot create temp file in"), std::string::npos);
  }
}

TEST_F(PublicationTest, SweepRemovesTempsOfDeadProcessesOnly) {
  const std::string dead = ".vm.csv.tmp-" + std::to_string(dead_pid()) + "-0123abcd";
  const std::string live = ".vm.csv.tmp-1-0123abcd";  // pid 1 always runs
  for (const auto& name : {dead, live, std::string(".hidden"), std::string(".vm.csv.tmp-x-1"),
                           std::string("notes.tmp-1-2")}) {
    write_file(dir() / name, "x");
  }
  EXPECT_EQ(sweep_stale_temp_files(dir()), 1u);
  EXPECT_FALSE(std::filesystem::exists(dir() / dead));
  EXPECT_TRUE(std::filesystem::exists(dir() / live));
  EXPECT_TRUE(std::filesystem::exists(dir() / ".hidden"));
  EXPECT_TRUE(std::filesystem::exists(dir() / ".vm.csv.tmp-x-1"));
  EXPECT_TRUE(std::filesystem::exists(dir() / "vulnkb.csv"));
}

TEST_F(PublicationTest, SweepAtStartUpAlsoRemovesTempsCarryingOurOwnPid) {
  const std::string own = ".vm.csv.tmp-" + std::to_string(::getpid()) + "-0123abcd";
  write_file(dir() / own, "x");
  EXPECT_EQ(sweep_stale_temp_files(dir()), 1u);
  EXPECT_FALSE(std::filesystem::exists(dir() / own));
  EXPECT_TRUE(std::filesystem::exists(dir() / "vulnkb.csv"));
}

TEST_F(PublicationTest, CheckOutputDirAcceptsAWritableDirectory) {
  EXPECT_NO_THROW(check_output_dir(dir()));
  EXPECT_EQ(names_in(dir()).size(), 2u);  // the probe is gone
}

TEST_F(PublicationTest, CheckOutputDirReportsAMissingDirectory) {
  try {
    check_output_dir(dir() / "missing");
    FAIL();
  } catch (const FatalError& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos);
  }
}

TEST_F(PublicationTest, CheckOutputDirReportsAFile) {
  try {
    check_output_dir(dir() / "cve.csv");
    FAIL();
  } catch (const FatalError& e) {
    EXPECT_NE(std::string(e.what()).find("is not a directory"), std::string::npos);
  }
}

// A small tmpfs mounted inside the test's temp dir (needs root; skipped otherwise).
class SmallFileSystemTest : public ::testing::Test {
 protected:
  bool mount_tmpfs(const char* options) {
    mount_point_ = dir_.path() / "fs";
    std::filesystem::create_directory(mount_point_);
    mounted_ = ::mount("tmpfs", mount_point_.c_str(), "tmpfs", 0, options) == 0;
    return mounted_;
  }
  void remount_read_only() {
    ASSERT_EQ(::mount("tmpfs", mount_point_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr), 0);
  }
  void TearDown() override {
    if (mounted_) ::umount2(mount_point_.c_str(), MNT_DETACH);
  }
  qi::testing::TempDir dir_;
  std::filesystem::path mount_point_;
  bool mounted_ = false;
};

TEST_F(SmallFileSystemTest, DiskFullFailsTheRunAndKeepsThePreviousFile) {
  if (!mount_tmpfs("size=64k")) GTEST_SKIP() << "cannot mount a tmpfs here";
  write_file(mount_point_ / "vm.csv", "old vm\n");
  try {
    Publication publication(mount_point_, {"vm.csv"});
    std::string value(1000, 'v');
    for (int i = 0; i < 1000; ++i) publication.writer("vm.csv").write_row({value});
    publication.commit();
    FAIL() << "1 MB fit into a 64 KiB file system";
  } catch (const FatalError& e) {
    EXPECT_NE(std::string(e.what()).find("disk full"), std::string::npos) << e.what();
  }
  EXPECT_EQ(names_in(mount_point_), (std::set<std::string>{"vm.csv"}));
  EXPECT_EQ(testing::read_file(mount_point_ / "vm.csv"), "old vm\n");
}

TEST_F(SmallFileSystemTest, CheckOutputDirReportsAReadOnlyDirectory) {
  if (!mount_tmpfs("size=64k")) GTEST_SKIP() << "cannot mount a tmpfs here";
  remount_read_only();
  try {
    check_output_dir(mount_point_);
    FAIL();
  } catch (const FatalError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot create files in output directory"),
              std::string::npos);
    EXPECT_NE(std::string(e.what()).find("Read-only file system"), std::string::npos);
  }
}

}  // namespace
}  // namespace qi::output
