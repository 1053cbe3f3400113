// The asset → host ID pairs a Cloud push reads from beside the assets base
// (insight/host_id_file.hpp), and the check that they belong to the published assets.csv.
#include "insight/host_id_file.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "cloud_test_set.hpp"
#include "common/error.hpp"
#include "support/temp_dir.hpp"

namespace qi::insight {
namespace {

class HostIdFileTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& text) {
    const auto path = dir_.path() / "asset-host-ids.csv";
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  qi::testing::TempDir dir_;
};

TEST_F(HostIdFileTest, FindsTheHostIdOfEachAssetWhateverTheOrderOfTheFile) {
  const HostIdFile ids(write("\"AssetID\",\"HostID\"\n\"30\",\"503\"\n\"10\",\"501\"\n"));
  EXPECT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids.host_id("10"), "501");
  EXPECT_EQ(ids.host_id("30"), "503");
  EXPECT_EQ(ids.host_id("20"), std::nullopt);
  EXPECT_EQ(ids.host_id("not-an-id"), std::nullopt);
}

TEST_F(HostIdFileTest, RefusesARowThatIsNotTwoIdsNamingTheLine) {
  try {
    HostIdFile ids(write("\"AssetID\",\"HostID\"\n\"10\",\"501\"\n\"11\",\"x\"\n"));
    FAIL() << "accepted a damaged file";
  } catch (const FatalError& error) {
    EXPECT_NE(std::string(error.what()).find("line 3 is not an asset ID and a host ID"),
              std::string::npos)
        << error.what();
  }
}

TEST_F(HostIdFileTest, HoldsAHundredThousandHostsInUnderThreeMegabytes) {
  std::string text = "\"AssetID\",\"HostID\"\n";
  for (int i = 0; i < 100000; ++i) {
    text += "\"" + std::to_string(400000000 + i) + "\",\"" + std::to_string(9000000 + i) + "\"\n";
  }
  const HostIdFile ids(write(text));
  EXPECT_EQ(ids.size(), 100000u);
  EXPECT_EQ(ids.host_id("400054321"), "9054321");
  EXPECT_LT(ids.memory_bytes(), 3u << 20) << ids.memory_bytes();
}

TEST_F(HostIdFileTest, UsesThePairsKeptWithTheBaseOfThePublishedAssetsCsv) {
  const auto set =
      testing::write_set(dir_.path() / "out", dir_.path() / "state", testing::small_rows());
  const auto ids = asset_host_ids(dir_.path() / "state", set.files[0].sha256);
  EXPECT_EQ(ids.problem, "");
  EXPECT_EQ(ids.lookup->host_id("1002"), "502");
}

TEST_F(HostIdFileTest, SaysWhyWhenTheBaseHoldsAnotherAssetsCsv) {
  testing::write_set(dir_.path() / "out", dir_.path() / "state", testing::small_rows());
  const auto ids = asset_host_ids(dir_.path() / "state", std::string(64, '0'));
  EXPECT_NE(ids.problem.find("belong to another assets.csv than the published one"),
            std::string::npos)
      << ids.problem;
  EXPECT_EQ(ids.lookup->host_id("1002"), std::nullopt);
}

TEST_F(HostIdFileTest, SaysWhyWhenThereIsNoBase) {
  const auto ids = asset_host_ids(dir_.path() / "state", std::string(64, '0'));
  EXPECT_NE(ids.problem.find("no incremental base"), std::string::npos) << ids.problem;
  EXPECT_EQ(ids.lookup->host_id("1002"), std::nullopt);
}

}  // namespace
}  // namespace qi::insight
