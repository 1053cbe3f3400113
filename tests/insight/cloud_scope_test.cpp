// The rows an Assets Cloud push takes with insight.cloud.vulnerabilities: detected
// (insight/cloud_scope.hpp): the QIDs vm.csv names, the rows of vulnkb.csv and cve.csv counted and
// chunked with them, and the memory the set holds.
#include "insight/cloud_scope.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "insight/object_chunks.hpp"
#include "support/temp_dir.hpp"

namespace qi::insight {
namespace {

class CloudScopeTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& name, const std::string& content) {
    auto path = dir_.path() / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::filesystem::path vm_csv() {
    return write("vm.csv",
                 "\"Host ID\",\"QG HostID\",\"QID\"\n"
                 "\"501\",\"\",\"38170\"\n"
                 "\"502\",\"qg-2\",\"105489\"\n"
                 "\"503\",\"\",\"38170\"\n");
  }
  std::filesystem::path cve_csv() {
    return write("cve.csv",
                 "\"QID_CVE\",\"CVE_ID\"\n"
                 "\"11827\",\"CVE-2019-0001\"\n"
                 "\"38170\",\"CVE-2021-44228\"\n"
                 "\"105489\",\"CVE-2020-0002\"\n"
                 "\"105489\",\"CVE-2020-0003\"\n");
  }

  qi::testing::TempDir dir_;
};

TEST(QidSet, HoldsEachQidOnceWhateverTheOrderAndRepeats) {
  QidSet set;
  for (std::uint32_t qid : {7u, 3u, 7u, 1000000u, 3u, 0u}) set.insert(qid);
  set.seal();
  EXPECT_EQ(set.size(), 4u);
  for (std::uint32_t qid : {0u, 3u, 7u, 1000000u}) EXPECT_TRUE(set.contains(qid)) << qid;
  for (std::uint32_t qid : {1u, 8u, 999999u}) EXPECT_FALSE(set.contains(qid)) << qid;
}

// The benchmark's scale: 2,000,000 detections naming 160,000 QIDs hold 640,000 bytes in the end
// and under 2 MiB while merging, whatever the order of the detections.
TEST(QidSet, HoldsUnderTwoMebibytesForTwoMillionDetectionsOf160kQids) {
  QidSet set;
  constexpr std::uint32_t kQids = 160'000;
  for (std::uint32_t i = 0; i < 2'000'000; ++i) set.insert(10'000 + (i * 7919u) % kQids);
  set.seal();
  EXPECT_EQ(set.size(), kQids);
  EXPECT_LT(set.peak_bytes(), 2u << 20) << set.peak_bytes();
}

TEST_F(CloudScopeTest, TheDetectedQidsAreTheQidsVmCsvNames) {
  const QidSet qids = detected_qids(vm_csv());
  EXPECT_EQ(qids.size(), 2u);
  EXPECT_TRUE(qids.contains(38170));
  EXPECT_TRUE(qids.contains(105489));
  EXPECT_FALSE(qids.contains(11827));
}

TEST_F(CloudScopeTest, CountsTheRowsOfTheDetectedQidsOnly) {
  const QidSet qids = detected_qids(vm_csv());
  EXPECT_EQ(count_rows_in_scope(cve_csv(), {"QID_CVE", &qids}), 3u);
}

TEST_F(CloudScopeTest, NarrowsTheKnowledgeBaseFilesAndNothingElse) {
  EXPECT_EQ(scope_column("vulnkb.csv"), "QID_KB");
  EXPECT_EQ(scope_column("cve.csv"), "QID_CVE");
  EXPECT_FALSE(scope_column("assets.csv"));
  EXPECT_FALSE(scope_column("vm.csv"));
}

TEST_F(CloudScopeTest, RefusesAQidThatIsNotANumberNamingTheFileAndLine) {
  const auto file = write("vm.csv",
                          "\"Host ID\",\"QG HostID\",\"QID\"\n\"1\",\"\",\"38170\"\n"
                          "\"2\",\"\",\"QID-9\"\n");
  try {
    detected_qids(file);
    FAIL() << "no error";
  } catch (const FatalError& error) {
    EXPECT_EQ(std::string(error.what()),
              file.string() + ": line 3: the QID \"QID-9\" is not a number");
  }
}

TEST_F(CloudScopeTest, RefusesAFileWithoutItsQidColumn) {
  const auto file = write("vm.csv", "\"Host ID\",\"QG HostID\"\n\"1\",\"\"\n");
  EXPECT_THROW(detected_qids(file), FatalError);
}

TEST_F(CloudScopeTest, ChunksOnlyTheRowsInScopeAndCountsOnlyThem) {
  const QidSet qids = detected_qids(vm_csv());
  const RowScope scope{"QID_CVE", &qids};
  const CloudMapping mapping = cloud_mapping();
  const ObjectTypeMapping& cve = mapping.object_types.at(2);
  ASSERT_EQ(cve.file, "cve.csv");
  ObjectChunks chunks(cve_csv(), cve, {"r", 2, 1, false, nullptr, &scope});
  std::vector<std::string> all;
  while (auto chunk = chunks.next()) all.emplace_back(*chunk);
  EXPECT_EQ(all, (std::vector<std::string>{
                     R"({"data":{"cves":[{"cveId":"CVE-2021-44228","qid":"38170"},)"
                     R"({"cveId":"CVE-2020-0002","qid":"105489"}]},)"
                     R"("clientGeneratedId":"r-1","completed":false})",
                     R"({"data":{"cves":[{"cveId":"CVE-2020-0003","qid":"105489"}]},)"
                     R"("clientGeneratedId":"r-2","completed":false})"}));
  EXPECT_EQ(chunks.objects(), 3u);
}

}  // namespace
}  // namespace qi::insight
