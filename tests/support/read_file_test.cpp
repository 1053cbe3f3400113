#include "support/read_file.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>

#include "support/temp_dir.hpp"

namespace qi::testing {
namespace {

TEST(ReadFile, ReturnsEveryByteUnchanged) {
  TempDir dir;
  const std::string bytes("a\r\nb\0c\n\xff", 8);
  std::ofstream(dir.path() / "f", std::ios::binary) << bytes;
  EXPECT_EQ(read_file(dir.path() / "f"), bytes);
}

TEST(ReadFile, ThrowsNamingAFileThatCannotBeRead) {
  TempDir dir;
  try {
    read_file(dir.path() / "missing.csv");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.csv"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace qi::testing
