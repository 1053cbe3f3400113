#include "output/csv_writer.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/read_file.hpp"
#include "support/temp_dir.hpp"

namespace qi::output {
namespace {

std::string field(std::string_view value, CsvDialect dialect = {}) {
  std::string out;
  append_csv_field(out, value, dialect);
  return out;
}

TEST(CsvField, QuotesEveryField) {
  EXPECT_EQ(field(""), R"("")");
  EXPECT_EQ(field("12345"), R"("12345")");
}

TEST(CsvField, DoublesQuotes) {
  EXPECT_EQ(field(R"(say "hi")"), R"("say ""hi""")");
}

TEST(CsvField, KeepsCommasSpacesAndFormulaStartsVerbatim) {
  EXPECT_EQ(field(" a, b "), R"(" a, b ")");
  EXPECT_EQ(field("=cmd|' /C calc'!A0"), R"("=cmd|' /C calc'!A0")");
}

TEST(CsvField, TurnsEachLineBreakIntoOneSpace) {
  EXPECT_EQ(field("a\r\nb"), R"("a b")");
  EXPECT_EQ(field("a\rb"), R"("a b")");
  EXPECT_EQ(field("a\nb"), R"("a b")");
  EXPECT_EQ(field("a\r\n\r\nb"), R"("a  b")");
  EXPECT_EQ(field("a\n\rb"), R"("a  b")");
  EXPECT_EQ(field("\r\n"), R"(" ")");
  EXPECT_EQ(field("a\r"), R"("a ")");
}

TEST(CsvField, KeepsBackslashesByDefault) {
  EXPECT_EQ(field(R"(CORP\jdoe)"), R"("CORP\jdoe")");
}

TEST(CsvField, DoublesBackslashesWhenAsked) {
  CsvDialect dialect{.double_backslashes = true};
  EXPECT_EQ(field(R"(CORP\jdoe\)", dialect), R"("CORP\\jdoe\\")");
  EXPECT_EQ(field(R"(\"x)", dialect), R"("\\""x")");
}

TEST(CsvField, KeepsUtf8Verbatim) {
  EXPECT_EQ(field("Grüße 東京 \xF0\x9F\x94\x92"), "\"Grüße 東京 \xF0\x9F\x94\x92\"");
}

class CsvWriterTest : public ::testing::Test {
 protected:
  std::filesystem::path path() const { return dir_.path() / "out.csv"; }
  qi::testing::TempDir dir_;
};

TEST_F(CsvWriterTest, WritesHostileValuesAsExactBytes) {
  {
    CsvWriter writer = CsvWriter::create(path());
    writer.write_header({"QID_KB", "Vulnerability"});
    writer.write_row({"1", "a \"quoted\", multi\r\nline\rvalue\n"});
    writer.write_row({"", "=1+2 \\ ü"});
    writer.flush();
  }
  EXPECT_EQ(testing::read_file(path()),
            "\"QID_KB\",\"Vulnerability\"\n"
            "\"1\",\"a \"\"quoted\"\", multi line value \"\n"
            "\"\",\"=1+2 \\ ü\"\n");
}

TEST_F(CsvWriterTest, CountsRowsWithoutTheHeaderAndEveryByte) {
  CsvWriter writer = CsvWriter::create(path());
  writer.write_header({"A"});
  writer.write_row({"x"});
  std::vector<std::string_view> fields{"y", "z"};
  writer.write_row(fields);
  EXPECT_EQ(writer.rows(), 2u);
  EXPECT_EQ(writer.bytes(), std::string("\"A\"\n\"x\"\n\"y\",\"z\"\n").size());
  writer.flush();
  EXPECT_EQ(std::filesystem::file_size(path()), writer.bytes());
}

TEST_F(CsvWriterTest, RollsBackRowsStillInTheBuffer) {
  CsvWriter writer = CsvWriter::create(path());
  writer.write_row({"keep"});
  CsvWriter::Mark mark = writer.mark();
  writer.write_row({"drop"});
  writer.rollback(mark);
  writer.write_row({"after"});
  writer.flush();
  EXPECT_EQ(writer.rows(), 2u);
  EXPECT_EQ(testing::read_file(path()), "\"keep\"\n\"after\"\n");
}

TEST_F(CsvWriterTest, RollsBackRowsAlreadyInTheFile) {
  CsvWriter writer = CsvWriter::create(path());
  writer.write_row({"keep"});
  CsvWriter::Mark mark = writer.mark();
  // More than one buffer's worth, so part of the page reached the file.
  std::string big(1024, 'x');
  for (int i = 0; i < 600; ++i) writer.write_row({big});
  ASSERT_GT(std::filesystem::file_size(path()), mark.bytes);
  writer.rollback(mark);
  EXPECT_EQ(writer.rows(), 1u);
  EXPECT_EQ(writer.bytes(), mark.bytes);
  writer.write_row({"after"});
  writer.flush();
  EXPECT_EQ(testing::read_file(path()), "\"keep\"\n\"after\"\n");
}

TEST_F(CsvWriterTest, RefusesToRollBackToTheFuture) {
  CsvWriter writer = CsvWriter::create(path());
  EXPECT_THROW(writer.rollback({100, 1}), std::logic_error);
}

TEST_F(CsvWriterTest, WritesMillionsOfFieldsThroughTheBuffer) {
  CsvWriter writer = CsvWriter::create(path());
  for (int i = 0; i < 200000; ++i) writer.write_row({"12345678", "87654321", "38170"});
  writer.sync();
  EXPECT_EQ(std::filesystem::file_size(path()), writer.bytes());
  EXPECT_EQ(writer.rows(), 200000u);
}

}  // namespace
}  // namespace qi::output
