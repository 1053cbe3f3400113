#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace qi::testing {
namespace {

TEST(TempDir, CreatesAnEmptyDirectory) {
  TempDir dir;
  ASSERT_TRUE(std::filesystem::is_directory(dir.path()));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(TempDir, RemovesItselfAndItsContentsWhenDestroyed) {
  std::filesystem::path kept;
  {
    TempDir dir;
    kept = dir.path();
    std::filesystem::create_directories(kept / "a" / "b");
    std::ofstream(kept / "a" / "b" / "file.txt") << "x";
  }
  EXPECT_FALSE(std::filesystem::exists(kept));
}

TEST(TempDir, GivesEachInstanceItsOwnDirectory) {
  TempDir a;
  TempDir b;
  EXPECT_NE(a.path(), b.path());
}

}  // namespace
}  // namespace qi::testing
