// Taps: what a writer's file holds, learnt on the way out (SHA-256, rows), through flushes,
// appended segments and rollbacks behind what already reached the file.
#include "output/content_tap.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "output/csv_lines.hpp"
#include "output/csv_writer.hpp"
#include "output/manifest.hpp"
#include "output/publication.hpp"
#include "support/temp_dir.hpp"

namespace qi::output {
namespace {

class RowList final : public RowTap {
 public:
  void row(std::string_view row) override { rows.emplace_back(row); }
  std::vector<std::string> rows;

 private:
  void clear() override { rows.clear(); }
};

std::vector<std::string> rows_of(const std::filesystem::path& file) {
  std::vector<std::string> rows;
  for_each_row(file, [&](std::string_view row) { rows.emplace_back(row); });
  return rows;
}

CsvWriter readable_writer(const std::filesystem::path& path) {
  return CsvWriter(
      FileDescriptor(::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)), path);
}

TEST(ContentTap, SeesEveryByteOfTheFileThroughSegmentsAndRollbacks) {
  testing::TempDir dir;
  const auto path = dir.path() / "out.csv";
  auto out = readable_writer(path);
  Sha256 digest;
  RowList rows;
  out.add_tap(digest);
  out.add_tap(rows);
  out.write_header({"id", "text"});
  const std::string text(300, 'x');
  for (int i = 0; i < 1000; ++i) out.write_row({std::to_string(i), text});  // past the buffer
  const auto mark = out.mark();
  for (int i = 1000; i < 3000; ++i) out.write_row({std::to_string(i), text});
  out.rollback(mark);  // behind bytes already in the file
  auto segment = CsvWriter::create_segment(dir.path());
  for (int i = 5000; i < 6000; ++i) segment.write_row({std::to_string(i), "from a segment"});
  out.append_segment(segment);
  out.write_row({"7000", "last"});
  out.flush();

  EXPECT_EQ(digest.hex(), sha256_of_file(path));
  EXPECT_EQ(rows.rows, rows_of(path));
  EXPECT_EQ(rows.rows.size(), out.rows());
}

TEST(ContentTap, SeesNothingThatIsStillInTheBuffer) {
  testing::TempDir dir;
  auto out = readable_writer(dir.path() / "out.csv");
  RowList rows;
  out.add_tap(rows);
  out.write_header({"id"});
  out.write_row({"1"});
  EXPECT_TRUE(rows.rows.empty());
  out.flush();
  EXPECT_EQ(rows.rows, std::vector<std::string>{"\"1\""});
}

TEST(ContentTap, IsRefusedOnceBytesReachedTheFile) {
  testing::TempDir dir;
  auto out = readable_writer(dir.path() / "out.csv");
  out.write_header({"id"});
  out.flush();
  Sha256 digest;
  EXPECT_THROW(out.add_tap(digest), std::logic_error);
}

TEST(RowTap, JoinsARowCutBetweenPiecesAndSkipsTheHeader) {
  RowList rows;
  for (std::string_view piece : {"\"id\"\n\"1", "2\"\n", "\"3\"\n\"4\"", "\n"}) rows.consume(piece);
  EXPECT_EQ(rows.rows, (std::vector<std::string>{"\"12\"", "\"3\"", "\"4\""}));
  rows.restart();
  rows.consume("\"id\"\n\"5\"\n");
  EXPECT_EQ(rows.rows, std::vector<std::string>{"\"5\""});
}

TEST(Publication, GivesATapOnlyToTheFileNamed) {
  testing::TempDir dir;
  Publication publication(dir.path(), {"a.csv", "b.csv"});
  publication.add_tap("b.csv", std::make_unique<Sha256>());
  EXPECT_TRUE(publication.holds("a.csv"));
  EXPECT_FALSE(publication.holds("c.csv"));
  EXPECT_EQ(publication.find_tap<Sha256>("a.csv"), nullptr);
  ASSERT_NE(publication.find_tap<Sha256>("b.csv"), nullptr);
  EXPECT_EQ(publication.find_tap<RowList>("b.csv"), nullptr);
  publication.writer("b.csv").write_header({"id"});
  publication.commit();
  EXPECT_EQ(publication.find_tap<Sha256>("b.csv")->hex(), sha256_of_file(dir.path() / "b.csv"));
}

}  // namespace
}  // namespace qi::output
