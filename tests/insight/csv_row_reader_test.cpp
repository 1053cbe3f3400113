// Pulling the lines of a CSV file one at a time (insight/csv_row_reader.hpp).
#include "insight/csv_row_reader.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "support/temp_dir.hpp"

namespace qi::insight {
namespace {

class CsvRowReaderTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& content) {
    auto path = dir_.path() / "file.csv";
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  std::vector<std::string> lines_of(const std::filesystem::path& file, std::size_t max) {
    CsvRowReader reader(file, max);
    std::vector<std::string> lines;
    while (auto line = reader.next_line()) lines.emplace_back(*line);
    return lines;
  }

  qi::testing::TempDir dir_;
};

TEST_F(CsvRowReaderTest, ReturnsEveryLineAndALastOneWithoutNewline) {
  EXPECT_EQ(lines_of(write("a\n\nb\nc"), 100), (std::vector<std::string>{"a", "", "b", "c"}));
  EXPECT_EQ(lines_of(write("a\n"), 100), std::vector<std::string>{"a"});
  EXPECT_TRUE(lines_of(write(""), 100).empty());
}

TEST_F(CsvRowReaderTest, JoinsALineCutByTheEndOfAReadBlock) {
  const std::string first(CsvRowReader::kReadBlock - 3, 'x');
  const std::string long_line(3 * CsvRowReader::kReadBlock + 17, 'y');
  EXPECT_EQ(lines_of(write(first + "\n" + long_line + "\nz\n"), 4 * CsvRowReader::kReadBlock),
            (std::vector<std::string>{first, long_line, "z"}));
}

TEST_F(CsvRowReaderTest, CountsLines) {
  CsvRowReader reader(write("a\nb\n"), 100);
  reader.next_line();
  reader.next_line();
  EXPECT_EQ(reader.line_number(), 2u);
  EXPECT_FALSE(reader.next_line());
}

TEST_F(CsvRowReaderTest, RefusesALineLongerThanTheLimitWithoutHoldingIt) {
  const auto file = write("ok\n" + std::string(5 * CsvRowReader::kReadBlock, 'x') + "\n");
  CsvRowReader reader(file, CsvRowReader::kReadBlock);
  EXPECT_EQ(reader.next_line(), "ok");
  try {
    reader.next_line();
    FAIL() << "no FatalError";
  } catch (const FatalError& error) {
    EXPECT_NE(std::string(error.what()).find("line 2 is longer than"), std::string::npos)
        << error.what();
  }
  EXPECT_LE(reader.buffer_capacity(), 3 * CsvRowReader::kReadBlock);
}

TEST_F(CsvRowReaderTest, NamesAFileThatCannotBeOpened) {
  try {
    CsvRowReader reader(dir_.path() / "missing.csv", 100);
    FAIL() << "no FatalError";
  } catch (const FatalError& error) {
    EXPECT_NE(std::string(error.what()).find("missing.csv"), std::string::npos);
  }
}

}  // namespace
}  // namespace qi::insight
