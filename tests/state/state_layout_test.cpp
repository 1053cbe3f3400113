// StateDir: the one owner of state.dir's layout and of the records jobs keep there.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "state/state_dir.hpp"
#include "state/state_file.hpp"
#include "support/temp_dir.hpp"

namespace qi::state {
namespace {

std::string text_of(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

unsigned permissions_of(const std::filesystem::path& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 0777;
}

TEST(StateDir, NamesEveryFileItKeepsInsideTheDirectory) {
  const StateDir dir("/var/lib/qualys-insight");
  EXPECT_EQ(dir.state_file(), "/var/lib/qualys-insight/state.json");
  EXPECT_EQ(dir.lock_file("vm"), "/var/lib/qualys-insight/vm.lock");
  EXPECT_EQ(dir.lock_file(kManifestLock), "/var/lib/qualys-insight/manifest.lock");
  EXPECT_EQ(dir.bases(), "/var/lib/qualys-insight/base");
}

TEST(StateDir, KeepsAssetHostIdsSortedAndDistinctInAPrivateFile) {
  testing::TempDir temp;
  const StateDir dir(temp.path());
  EXPECT_FALSE(dir.read_asset_host_ids().has_value());
  dir.save_asset_host_ids({30, 10, 20, 10});
  EXPECT_EQ(text_of(temp.path() / StateDir::kAssetHostIds), "10\n20\n30\n");
  EXPECT_EQ(permissions_of(temp.path() / StateDir::kAssetHostIds), 0600u);
  EXPECT_EQ(dir.read_asset_host_ids(), (std::vector<std::int64_t>{10, 20, 30}));
}

TEST(StateDir, ForgetsARecordSoThatNoneDescribesAnOlderPublication) {
  testing::TempDir temp;
  const StateDir dir(temp.path());
  dir.save_asset_host_ids({1});
  dir.save_kb_window_rows({{"1-50000", 7}});
  dir.forget_asset_host_ids();
  dir.forget_kb_window_rows();
  EXPECT_FALSE(dir.read_asset_host_ids().has_value());
  EXPECT_TRUE(dir.read_kb_window_rows().empty());
  EXPECT_TRUE(std::filesystem::is_empty(temp.path()));
}

TEST(StateDir, ReadsKbWindowRowsBackAsItWroteThem) {
  testing::TempDir temp;
  const StateDir dir(temp.path());
  dir.save_kb_window_rows({{"1-50000", 49876}, {"50001-", 0}});
  EXPECT_EQ(text_of(temp.path() / StateDir::kKbWindowRows), "1-50000 49876\n50001- 0\n");
  const auto rows = dir.read_kb_window_rows();
  EXPECT_EQ(rows.at("1-50000"), 49876u);
  EXPECT_EQ(rows.at("50001-"), 0u);
}

TEST(StateFile, StoresTheRunResultUnderItsName) {
  testing::TempDir temp;
  DaemonState state;
  state.jobs["kb"].result = RunResult::published_state_not_saved;
  state.jobs["vm"].result = RunResult::timed_out;
  state.jobs["assets"];  // never run
  write_state(temp.path() / "state.json", state);
  const auto text = text_of(temp.path() / "state.json");
  EXPECT_NE(text.find("\"result\": \"published, state not saved\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"result\": \"timed out\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"result\": \"\""), std::string::npos) << text;
  const auto back = read_state(temp.path() / "state.json");
  EXPECT_EQ(back.jobs.at("kb").result, RunResult::published_state_not_saved);
  EXPECT_EQ(back.jobs.at("vm").result, RunResult::timed_out);
  EXPECT_EQ(back.jobs.at("assets").result, RunResult::never_run);
}

TEST(StateFile, ReadsAResultItDoesNotKnowAsNeverRun) {
  EXPECT_EQ(run_result_from_name("exploded"), RunResult::never_run);
  for (auto result :
       {RunResult::running, RunResult::succeeded, RunResult::failed, RunResult::cancelled}) {
    EXPECT_EQ(run_result_from_name(run_result_name(result)), result);
  }
}

}  // namespace
}  // namespace qi::state
