// Segments: unnamed temp files written out of order and appended to the real file in order.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "output/csv_writer.hpp"
#include "output/file_copy.hpp"
#include "support/read_file.hpp"
#include "support/temp_dir.hpp"

namespace qi::output {
namespace {

std::size_t entries_in(const std::filesystem::path& dir) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir),
                                                std::filesystem::directory_iterator()));
}

TEST(Segment, LeavesNoNameInTheDirectory) {
  testing::TempDir dir;
  auto segment = CsvWriter::create_segment(dir.path());
  segment.write_row({"a"});
  segment.flush();
  EXPECT_EQ(entries_in(dir.path()), 0u);
}

TEST(Segment, AppendsInTheOrderAskedWithRowsAndBytesCounted) {
  testing::TempDir dir;
  auto out = CsvWriter::create(dir.path() / "out.csv");
  out.write_header({"id", "name"});
  auto second = CsvWriter::create_segment(dir.path());
  auto first = CsvWriter::create_segment(dir.path());
  second.write_row({"3", "c"});
  first.write_row({"1", "a"});
  first.write_row({"2", "b"});
  out.append_segment(first);
  out.append_segment(second);
  out.write_row({"4", "d"});
  out.flush();
  EXPECT_EQ(out.rows(), 4u);
  const std::string expected =
      "\"id\",\"name\"\n\"1\",\"a\"\n\"2\",\"b\"\n\"3\",\"c\"\n\"4\",\"d\"\n";
  EXPECT_EQ(out.bytes(), expected.size());
  EXPECT_EQ(testing::read_file(dir.path() / "out.csv"), expected);
}

TEST(Segment, ARolledBackSegmentAppendsOnlyWhatRemains) {
  testing::TempDir dir;
  auto out = CsvWriter::create(dir.path() / "out.csv");
  auto segment = CsvWriter::create_segment(dir.path());
  // More than the buffer, so part of what is rolled back already reached the file.
  const std::string big(CsvWriter::kBufferBytes, 'x');
  segment.write_row({"kept"});
  const auto mark = segment.mark();
  segment.write_row({big});
  segment.rollback(mark);
  segment.write_row({"after"});
  out.append_segment(segment);
  out.flush();
  EXPECT_EQ(testing::read_file(dir.path() / "out.csv"), "\"kept\"\n\"after\"\n");
  EXPECT_EQ(out.rows(), 2u);
}

TEST(Segment, LargeSegmentsCopyByteForByte) {
  testing::TempDir dir;
  auto out = CsvWriter::create(dir.path() / "out.csv");
  auto segment = CsvWriter::create_segment(dir.path());
  std::string expected;
  for (int i = 0; i < 100000; ++i) {
    const auto text = std::to_string(i * 7919);
    segment.write_row({text, "row"});
    expected += "\"" + text + "\",\"row\"\n";
  }
  out.append_segment(segment);
  out.append_segment(segment);  // a segment can be appended twice: it is left as it is
  out.flush();
  EXPECT_EQ(testing::read_file(dir.path() / "out.csv"), expected + expected);
  EXPECT_EQ(out.rows(), 200000u);
}

TEST(Segment, OutputRollbackAfterAnAppendCutsTheFile) {
  testing::TempDir dir;
  auto out = CsvWriter::create(dir.path() / "out.csv");
  out.write_row({"1"});
  const auto mark = out.mark();
  auto segment = CsvWriter::create_segment(dir.path());
  segment.write_row({"2"});
  out.append_segment(segment);
  out.rollback(mark);
  out.write_row({"3"});
  out.flush();
  EXPECT_EQ(testing::read_file(dir.path() / "out.csv"), "\"1\"\n\"3\"\n");
}

TEST(Segment, MissingDirectoryIsAClearError) {
  testing::TempDir dir;
  try {
    (void)CsvWriter::create_segment(dir.path() / "missing");
    FAIL() << "expected an error";
  } catch (const FatalError& e) {
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace qi::output
