#include "sim_common/launch.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>

#include "support/read_file.hpp"
#include "support/temp_dir.hpp"

namespace qi::sim_common {
namespace {

void write(const std::filesystem::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

TEST(Launch, AFlagNumberIsAWholeNonNegativeInteger) {
  EXPECT_EQ(flag_number("--port", "8443"), 8443);
  EXPECT_THROW(flag_number("--port", ""), std::invalid_argument);
  EXPECT_THROW(flag_number("--port", "-1"), std::invalid_argument);
  EXPECT_THROW(flag_number("--port", "80x"), std::invalid_argument);
}

TEST(Launch, SplitListDropsEmptyItems) {
  EXPECT_EQ(split_list("localhost,,127.0.0.1,", ','),
            (std::vector<std::string>{"localhost", "127.0.0.1"}));
}

TEST(Launch, FirstLineKeepsSpacesAndDropsTheLineEnd) {
  const testing::TempDir dir;
  write(dir.path() / "password", "two words \r\nsecond line\n");
  EXPECT_EQ(first_line_of("--password-file", dir.path() / "password"), "two words ");
}

TEST(Launch, FirstLineOfAMissingOrEmptyFileIsRefused) {
  const testing::TempDir dir;
  write(dir.path() / "empty", "\n");
  EXPECT_THROW(first_line_of("--password-file", dir.path() / "empty"), std::invalid_argument);
  EXPECT_THROW(first_line_of("--password-file", dir.path() / "missing"), std::invalid_argument);
}

TEST(Launch, ThePortFileHoldsThePortAndALineEndAndNoTempFileIsLeft) {
  const testing::TempDir dir;
  write_port_file(dir.path() / "port", 8443);
  EXPECT_EQ(testing::read_file(dir.path() / "port"), "8443\n");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "port.tmp"));
}

TEST(Launch, NoPortFileIsWrittenWhenNoneWasAskedFor) {
  EXPECT_NO_THROW(write_port_file({}, 8443));
}

TEST(Launch, RunMainTurnsAnExceptionIntoExitCodeTwo) {
  EXPECT_EQ(run_main("sim", [] { return 0; }), 0);
  EXPECT_EQ(run_main("sim", []() -> int { throw std::invalid_argument("--port: bad"); }), 2);
}

}  // namespace
}  // namespace qi::sim_common
