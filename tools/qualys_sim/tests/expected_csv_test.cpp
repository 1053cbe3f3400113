// The oracle: its dialect by hand, a tiny dataset's files by hand, and agreement with what the
// simulator actually serves (parsed here independently with libxml2 and RapidJSON).
#include "qualys_sim/expected_csv.hpp"

#include <fstream>
#include <sstream>

#include "qualys_sim/tests/served_rows.hpp"
#include "qualys_sim/tests/sim_fixture.hpp"
#include "support/read_file.hpp"
#include "support/temp_dir.hpp"

namespace qi::sim {
namespace {

using qi::testing::read_file;

TEST(ExpectedCsv, QuotesEveryFieldAndDoublesInnerQuotes) {
  EXPECT_EQ(expected_csv_field("plain"), "\"plain\"");
  EXPECT_EQ(expected_csv_field("say \"hi\", ok"), "\"say \"\"hi\"\", ok\"");
  EXPECT_EQ(expected_csv_field(""), "\"\"");
}

TEST(ExpectedCsv, TurnsEachLineBreakIntoOneSpace) {
  EXPECT_EQ(expected_csv_field("a\r\nb\rc\nd"), "\"a b c d\"");
  EXPECT_EQ(expected_csv_field("a\n\nb"), "\"a  b\"");
}

TEST(ExpectedCsv, KeepsBackslashesFormulasAndSpacesAsSent) {
  EXPECT_EQ(expected_csv_field("CORP\\jdoe"), "\"CORP\\jdoe\"");
  EXPECT_EQ(expected_csv_field("=cmd|' /C calc'!A0 "), "\"=cmd|' /C calc'!A0 \"");
}

TEST(ExpectedCsv, ATinyDatasetGivesTheFilesWorkedOutByHand) {
  qi::testing::TempDir dir;
  DataSpec spec;
  spec.seed = 7;
  spec.assets = 3;
  spec.qids = 3;
  spec.hosts = 3;
  spec.detections_per_host = 3;
  write_expected_csv(spec, dir.path());
  EXPECT_EQ(
      read_file(dir.path() / "assets.csv"),
      "\"AssetID\",\"AssetUUID\",\"Address\",\"AssetName\",\"NetBiosName\",\"LastLoggedOnUser\","
      "\"BiosSerialNumber\",\"BiosAssetTag\",\"OperatingSystem\",\"OS Category\",\"OS "
      "SubCategory\","
      "\"Hardware\",\"Hardware Category\",\"Hardware "
      "SubCategory\",\"LastModifiedDate\",\"CreatedDate\"\n"
      "\"67000002\",\"849a92a2-e85c-4448-b014-ddee6a0a3a8c\",\"10.0.0.0\",\"web-01.corp.example-"
      "0\",\"\","
      "\"root\",\"\",\"\",\"Microsoft Windows Server 2019 Datacenter 10.0.17763 64-bit N/A Build "
      "17763\","
      "\"Windows\",\"Server\",\"Dell PowerEdge "
      "R740\",\"Server\",\"Rack\",\"2025-05-30T02:20:58.000Z\","
      "\"2025-03-16T04:46:06.000Z\"\n"
      "\"67000014\",\"6e83cdcc-9802-4dd0-8e5e-0ddeda8c3e8e\",\"10.0.0.1\",\"db \"\"primary\"\", "
      "eu-west-1\","
      "\"NB1\",\"root\",\"SN924578\",\"\",\"Microsoft Windows Server 2019 Datacenter 10.0.17763 "
      "64-bit N/A "
      "Build 17763\",\"Windows\",\"Server\",\"Dell PowerEdge R740\",\"Server\",\"Rack\","
      "\"2025-01-28T08:32:39.000Z\",\"2025-01-02T22:59:09.000Z\"\n"
      "\"9007199254740999\",\"\",\"10.0.0.2\",\"line1 line2-2\",\"\",\"CORP\\jdoe\",\"\",\"\","
      "\"Microsoft Windows Server 2019 Datacenter 10.0.17763 64-bit N/A Build 17763\",\"Windows\","
      "\"Server\",\"HP ProLiant DL380 Gen10 – rack, 2U\",\"Server\",\"Rack \"\"2U\"\"\","
      "\"2025-04-11T09:19:24.000Z\",\"2025-02-15T03:13:02.000Z\"\n");
  EXPECT_EQ(read_file(dir.path() / "vulnkb.csv"),
            "\"QID_KB\",\"Vulnerability\",\"Category\",\"SeverityLevel\"\n"
            "\"10004\",\"Title with a line break and a lone LF #10004\",\"Windows\",\"5\"\n"
            "\"10013\",\"Back\\slash in C:\\Program Files\\App #10013\",\"Windows\",\"4\"\n"
            "\"10016\",\"Microsoft Windows \"\"PrintNightmare\"\", Remote Code Execution #10016\","
            "\"Backdoors & trojan <horses>\",\"1\"\n");
  EXPECT_EQ(
      read_file(dir.path() / "cve.csv"),
      "\"QID_CVE\",\"CVE_ID\"\n"
      "\"10004\",\"CVE-2021-69927\"\n\"10004\",\"CVE-2018-54123\"\n\"10004\",\"CVE-2016-67937\"\n"
      "\"10013\",\"CVE-2020-19158\"\n\"10013\",\"CVE-2022-61953\"\n"
      "\"10016\",\"CVE-2024-52685\"\n\"10016\",\"CVE-2019-63066\"\n");
  EXPECT_EQ(read_file(dir.path() / "vm.csv"),
            "\"Host ID\",\"QG HostID\",\"QID\"\n"
            "\"900052\",\"\",\"10004\"\n\"900053\",\"\",\"10013\"\n"
            "\"900054\",\"59857ef0-151d-4be6-ac7b-372ca83c7290\",\"10004\"\n"
            "\"900054\",\"59857ef0-151d-4be6-ac7b-372ca83c7290\",\"10013\"\n");
}

// ---- the oracle agrees with the served data ----

class ExpectedCsvAgainstServer : public testing::SimFixture {
 protected:
  void SetUp() override {
    options_.data.seed = 11;
    options_.data.assets = 40;
    options_.data.qids = 60;
    options_.data.hosts = 40;
    options_.data.detections_per_host = 5;
    start(options_);
    write_expected_csv(options_.data, dir_.path(), DetectionFilter::all());
  }
  std::vector<std::string> expected_rows(const char* file) {
    return testing::csv_rows(dir_.path() / file);
  }
  SimulatorOptions options_;
  qi::testing::TempDir dir_;
};

TEST_F(ExpectedCsvAgainstServer, VulnkbAndCveMatchTheServedKb) {
  const auto kb = testing::served_kb(client(), "action=list");
  EXPECT_EQ(kb.vulnkb, expected_rows("vulnkb.csv"));
  EXPECT_EQ(kb.cve, expected_rows("cve.csv"));
}

TEST_F(ExpectedCsvAgainstServer, VmMatchesTheServedDetections) {
  const auto served = testing::served_detections(
      client(),
      "action=list&truncation_limit=0&show_igs=1&include_ignored=1&include_disabled=1"
      "&status=New,Active,Re-Opened,Fixed");
  EXPECT_EQ(served.vm, expected_rows("vm.csv"));
}

TEST_F(ExpectedCsvAgainstServer, AssetsMatchTheServedPages) {
  const auto served = testing::served_assets(client(), client().login(), 9);
  EXPECT_EQ(served.rows, expected_rows("assets.csv"));
}

}  // namespace
}  // namespace qi::sim
