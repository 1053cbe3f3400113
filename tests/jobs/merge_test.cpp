// Merging an incremental pull into the last publication, without a network.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "jobs/merge_by_key.hpp"
#include "support/read_file.hpp"
#include "support/temp_dir.hpp"

namespace qi::jobs {
namespace {

class Merge : public ::testing::Test {
 protected:
  qi::testing::TempDir dir;

  std::filesystem::path base(const std::string& text) {
    const auto path = dir.path() / "base.csv";
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  output::CsvWriter delta(std::initializer_list<std::pair<std::string, std::string>> rows) {
    auto writer = output::CsvWriter::create_segment(dir.path());
    for (const auto& [id, value] : rows) writer.write_row({id, value});
    return writer;
  }

  std::string merge(const std::string& base_text, output::CsvWriter& changed, const IdSet& replaced,
                    const IdSet* present = nullptr, std::vector<std::string>* seen = nullptr) {
    auto out = output::CsvWriter::create(dir.path() / "out.csv");
    out.write_header({"ID", "Value"});
    merge_by_key(
        {base(base_text), &changed}, replaced, out,
        [&](std::string_view row) {
          if (seen) seen->emplace_back(row);
        },
        present);
    out.flush();
    return qi::testing::read_file(dir.path() / "out.csv");
  }
};

constexpr const char* kHeader = "\"ID\",\"Value\"\n";

TEST(IdSetTest, JoinsAdjacentRangesAndFindsMembers) {
  IdSet set;
  set.add(1, 3);
  set.add(4, 4);
  set.add(10, 12);
  set.add(11, 15);
  EXPECT_EQ(set.size(), 10u);
  for (auto id : {1, 2, 3, 4, 10, 15}) EXPECT_TRUE(set.contains(id)) << id;
  for (auto id : {0, 5, 9, 16}) EXPECT_FALSE(set.contains(id)) << id;
}

TEST(LeadingId, ReadsOnlyAQuotedNumberInTheFirstField) {
  EXPECT_EQ(leading_id("\"42\",\"x\"\n"), 42);
  EXPECT_EQ(leading_id("\"-7\"\n"), -7);
  EXPECT_FALSE(leading_id("42,\"x\"\n"));
  EXPECT_FALSE(leading_id("\"4a\",\"x\"\n"));
  EXPECT_FALSE(leading_id("\"\",\"x\"\n"));
  EXPECT_FALSE(leading_id(""));
}

TEST_F(Merge, ChangedIdsReplaceAllTheirRowsAndNewOnesSlotInByOrder) {
  auto changed = delta({{"2", "two new"}, {"2", "two second"}, {"5", "five"}});
  IdSet replaced;
  replaced.add(2, 2);
  replaced.add(5, 5);
  const std::string got = merge(std::string(kHeader) +
                                    "\"1\",\"one\"\n\"2\",\"two a\"\n\"2\",\"two b\"\n"
                                    "\"2\",\"two c\"\n\"7\",\"seven\"\n",
                                changed, replaced);
  EXPECT_EQ(got, std::string(kHeader) +
                     "\"1\",\"one\"\n\"2\",\"two new\"\n\"2\",\"two second\"\n\"5\",\"five\"\n"
                     "\"7\",\"seven\"\n");
}

TEST_F(Merge, AReplacedIdWithoutNewRowsLosesItsRows) {
  auto changed = delta({});
  IdSet replaced;
  replaced.add(2, 2);  // e.g. a host whose detections are all fixed now
  EXPECT_EQ(
      merge(std::string(kHeader) + "\"1\",\"a\"\n\"2\",\"b\"\n\"3\",\"c\"\n", changed, replaced),
      std::string(kHeader) + "\"1\",\"a\"\n\"3\",\"c\"\n");
}

TEST_F(Merge, IdsNotPresentAnyMoreAreDropped) {
  auto changed = delta({{"4", "d"}});
  IdSet present;
  present.add(1, 1);
  present.add(4, 4);
  std::vector<std::string> seen;
  EXPECT_EQ(merge(std::string(kHeader) + "\"1\",\"a\"\n\"2\",\"b\"\n\"3\",\"c\"\n", changed,
                  IdSet(), &present, &seen),
            std::string(kHeader) + "\"1\",\"a\"\n\"4\",\"d\"\n");
  EXPECT_EQ(seen, (std::vector<std::string>{"\"1\",\"a\"\n", "\"4\",\"d\"\n"}));
}

TEST_F(Merge, AnEmptyBaseTakesTheDelta) {
  auto changed = delta({{"1", "a"}});
  EXPECT_EQ(merge(kHeader, changed, IdSet()), std::string(kHeader) + "\"1\",\"a\"\n");
}

TEST_F(Merge, RowsLongerThanTheReadBufferSurvive) {
  const std::string long_value(3 << 20, 'v');
  auto changed = delta({{"3", long_value}});
  const std::string got =
      merge(std::string(kHeader) + "\"1\",\"" + long_value + "\"\n", changed, IdSet());
  EXPECT_EQ(got,
            std::string(kHeader) + "\"1\",\"" + long_value + "\"\n\"3\",\"" + long_value + "\"\n");
}

TEST_F(Merge, ADamagedBaseIsAClearError) {
  auto changed = delta({});
  for (const std::string& bad : {std::string(kHeader) + "\"1\",\"a\"\nnot ours\n",
                                 std::string(kHeader) + "\"5\",\"a\"\n\"3\",\"b\"\n",
                                 std::string(kHeader) + "\"1\",\"cut off", std::string()}) {
    try {
      merge(bad, changed, IdSet());
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const FatalError& e) {
      EXPECT_NE(std::string(e.what()).find("base.csv"), std::string::npos) << e.what();
    }
  }
}

TEST_F(Merge, AnUnsortedDeltaIsAnError) {
  auto changed = delta({{"5", "x"}, {"3", "y"}});
  EXPECT_THROW(merge(kHeader, changed, IdSet()), FatalError);
}

}  // namespace
}  // namespace qi::jobs
