#include "output/csv_lines.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "output/csv_writer.hpp"
#include "support/temp_dir.hpp"

namespace qi::output {
namespace {

std::vector<std::string> lines_of(const std::filesystem::path& file, bool skip_header) {
  std::vector<std::string> lines;
  const auto keep = [&](std::string_view line) { lines.emplace_back(line); };
  if (skip_header) {
    for_each_row(file, keep);
  } else {
    for_each_line(file, keep);
  }
  return lines;
}

void write(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

std::vector<std::string> fields_of(std::string_view row) {
  std::vector<std::string> fields;
  while (auto field = next_field(row)) fields.emplace_back(*field);
  return fields;
}

TEST(CsvLines, ReadsEveryLineAndSkipsOnlyTheHeaderForRows) {
  testing::TempDir dir;
  write(dir.path() / "a.csv", "\"h\"\n\"1\"\n\n\"2\"\n\"3\"");  // an empty line, no final "\n"
  EXPECT_EQ(lines_of(dir.path() / "a.csv", false),
            (std::vector<std::string>{"\"h\"", "\"1\"", "", "\"2\"", "\"3\""}));
  EXPECT_EQ(lines_of(dir.path() / "a.csv", true),
            (std::vector<std::string>{"\"1\"", "", "\"2\"", "\"3\""}));
  write(dir.path() / "empty.csv", "");
  EXPECT_TRUE(lines_of(dir.path() / "empty.csv", false).empty());
}

TEST(CsvLines, KeepsLinesWholeAcrossReadBlocks) {
  // Lines of every length around the 1 MiB read block, so some straddle one or two boundaries.
  testing::TempDir dir;
  std::vector<std::string> expected;
  std::string text;
  for (std::size_t i = 0; text.size() < 5u * 1024 * 1024; ++i) {
    expected.emplace_back(1 + (i * 7919) % 1500000, static_cast<char>('a' + i % 26));
    text += expected.back() + "\n";
  }
  write(dir.path() / "big.csv", text);
  EXPECT_EQ(lines_of(dir.path() / "big.csv", false), expected);
}

TEST(CsvLines, ReportsAFileThatCannotBeRead) {
  testing::TempDir dir;
  EXPECT_THROW(for_each_line(dir.path() / "missing.csv", [](std::string_view) {}), FatalError);
}

TEST(CsvFields, SplitsWhatTheWriterWrites) {
  std::string row;
  for (const std::string_view value : {"12", "", "a,b", "say \"hi\"", "\"", "x"}) {
    if (!row.empty()) row += ',';
    append_csv_field(row, value, CsvDialect{});
  }
  EXPECT_EQ(fields_of(row),
            (std::vector<std::string>{"12", "", "a,b", "say \"\"hi\"\"", "\"\"", "x"}));
}

TEST(CsvFields, StopsAtAnUnclosedFieldAndReadsUnquotedOnes) {
  EXPECT_EQ(fields_of("\"1\",\"open"), (std::vector<std::string>{"1"}));
  EXPECT_EQ(fields_of("1,2,\"3\""), (std::vector<std::string>{"1", "2", "3"}));
  std::string_view empty;
  EXPECT_FALSE(next_field(empty));
}

TEST(CsvFields, ConvertsOnlyWholeIntegers) {
  EXPECT_EQ(to_int("123"), 123);
  EXPECT_EQ(to_int("-5"), -5);
  EXPECT_EQ(to_int("9223372036854775807"), INT64_MAX);
  EXPECT_FALSE(to_int(""));
  EXPECT_FALSE(to_int("12a"));
  EXPECT_FALSE(to_int(" 1"));
  EXPECT_FALSE(to_int("9223372036854775808"));
}

}  // namespace
}  // namespace qi::output
