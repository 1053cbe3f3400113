// When a Cloud push puts our mapping (insight/cloud_mapping_state.hpp), and the record of the
// last one it put.
#include "insight/cloud_mapping_state.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_dir.hpp"

namespace qi::insight {
namespace {

const std::string kOurs(64, 'a');
const std::string kOursBefore(64, 'b');
const std::string kServerCopy(64, 'c');  // how the server gave back what we put
const std::string kEdited(64, 'd');

MappingFacts facts(std::optional<std::string> server, std::optional<MappingRecord> record) {
  return {false, kOurs, std::move(server), std::move(record), true};
}

TEST(DecideMapping, PutsWhenTheImportSourceHasNone) {
  auto f = facts(std::nullopt, MappingRecord{kOurs, kServerCopy});
  f.missing = true;
  EXPECT_EQ(decide_mapping(f), MappingAction::put);
}

TEST(DecideMapping, KeepsWhenTheServerHoldsExactlyOurs) {
  EXPECT_EQ(decide_mapping(facts(kOurs, std::nullopt)), MappingAction::keep);
}

TEST(DecideMapping, KeepsWhenTheServerStillHoldsWhatWePutAndOursDidNotChange) {
  EXPECT_EQ(decide_mapping(facts(kServerCopy, MappingRecord{kOurs, kServerCopy})),
            MappingAction::keep);
}

TEST(DecideMapping, PutsWhenOursChangedAndTheServerStillHoldsWhatWePut) {
  EXPECT_EQ(decide_mapping(facts(kServerCopy, MappingRecord{kOursBefore, kServerCopy})),
            MappingAction::put);
}

TEST(DecideMapping, TakesAnyOtherServerMappingForAnOperatorsEdit) {
  auto f = facts(kEdited, MappingRecord{kOurs, kServerCopy});
  EXPECT_EQ(decide_mapping(f), MappingAction::put_over_operator_edit);
  f.manage_mapping = false;
  EXPECT_EQ(decide_mapping(f), MappingAction::keep_operator_edit);
}

TEST(DecideMapping, TakesAMappingWithoutRecordForAnOperatorsEdit) {
  auto f = facts(kEdited, std::nullopt);
  f.manage_mapping = false;
  EXPECT_EQ(decide_mapping(f), MappingAction::keep_operator_edit);
}

TEST(DecideMapping, WithoutReadingTheServerPutsOnlyWhenOursChangedAndItManagesTheMapping) {
  EXPECT_EQ(decide_mapping(facts(std::nullopt, MappingRecord{kOurs, ""})), MappingAction::keep);
  auto f = facts(std::nullopt, MappingRecord{kOursBefore, ""});
  EXPECT_EQ(decide_mapping(f), MappingAction::put_over_operator_edit);
  f.manage_mapping = false;
  EXPECT_EQ(decide_mapping(f), MappingAction::keep_operator_edit);
}

TEST(MappingRecordFile, KeepsBothDigestsInStateDir) {
  qi::testing::TempDir dir;
  save_mapping_record(dir.path(), {kOurs, kServerCopy});
  const auto record = read_mapping_record(dir.path());
  ASSERT_TRUE(record);
  EXPECT_EQ(record->ours, kOurs);
  EXPECT_EQ(record->server, kServerCopy);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "insight-mapping-digest"));
}

TEST(MappingRecordFile, TakesADamagedRecordForNone) {
  qi::testing::TempDir dir;
  std::ofstream(dir.path() / "insight-mapping-digest") << "ours 12\n";
  EXPECT_FALSE(read_mapping_record(dir.path()));
}

}  // namespace
}  // namespace qi::insight
