// Extra columns through `convert` (the same record writers as the online jobs): appended after
// the legacy columns in the order chosen, a (host, QID) on several ports still one row with its
// fields combined as the catalog says, and no selection byte-identical to the legacy files.
#include <gtest/gtest.h>

#include <sstream>

#include "jobs/asset_columns.hpp"
#include "jobs/convert.hpp"
#include "simulated_qualys.hpp"

namespace qi::jobs {
namespace {

using config::Column;
using testing::read_file;
using testing::TempDir;

const std::filesystem::path kFixtures = QI_FIXTURE_DIR;

std::vector<Column> every_vm_column() {
  std::vector<Column> columns;
  for (const auto& entry : config::kColumnCatalog) {
    if (entry.file == config::CsvFile::vm) columns.push_back(entry.column);
  }
  return columns;
}

std::string convert_vm(const std::vector<Column>& columns) {
  TempDir out;
  ConvertOptions options;
  options.columns.vm = columns;
  convert_files(JobKind::vm, {kFixtures / "hld_extra_columns.xml"}, out.path(), options);
  return read_file(out.path() / "vm.csv");
}

TEST(ExtraColumnsConvert, NoSelectionWritesTheLegacyFile) {
  EXPECT_EQ(convert_vm({}),
            "\"Host ID\",\"QG HostID\",\"QID\"\n"
            "\"7200001\",\"\",\"38170\"\n"
            "\"7200001\",\"\",\"90001\"\n"
            "\"7200002\",\"0a1b2c3d-0000-4000-8000-000000000021\",\"90002\"\n");
}

TEST(ExtraColumnsConvert, EveryVmColumnCombinesThePortsOfAPair) {
  EXPECT_EQ(
      convert_vm(every_vm_column()),
      "\"Host ID\",\"QG HostID\",\"QID\",\"Status\",\"Type\",\"Severity\",\"First Found\","
      "\"Last Found\",\"Last Fixed\",\"Times Found\",\"Ports\",\"QDS\",\"Is Ignored\","
      "\"Is Disabled\",\"IP\",\"DNS\",\"NetBIOS\",\"OS\"\n"
      // Three detections on ports 3389, 443, 443: the most urgent status, Confirmed over
      // Potential, the highest severity, times found and QDS, the earliest first and the latest
      // last found, each port once in ascending order, ignored only when every one is.
      "\"7200001\",\"\",\"38170\",\"Re-Opened\",\"Confirmed\",\"3\",\"2025-01-26T04:45:50.000Z\","
      "\"2026-01-14T10:00:00.000Z\",\"2025-12-01T08:00:00.000Z\",\"111\",\"443||3389\",\"55\","
      "\"0\",\"0\","
      "\"192.0.2.20\",\"host-20.example.test\",\"HOST-20\","
      "\"Windows 2008 R2 Enterprise Service Pack1\"\n"
      // Empty and missing elements are empty cells; a date with an offset is written in UTC.
      "\"7200001\",\"\",\"90001\",\"New\",\"Info\",\"1\",\"2026-01-14T09:00:00.000Z\",\"\",\"\","
      "\"\","
      "\"\",\"\",\"0\",\"\",\"192.0.2.20\",\"host-20.example.test\",\"HOST-20\","
      "\"Windows 2008 R2 Enterprise Service Pack1\"\n"
      "\"7200002\",\"0a1b2c3d-0000-4000-8000-000000000021\",\"90002\",\"Fixed\",\"\",\"\",\"\","
      "\"\",\"2026-01-10T00:00:00.000Z\",\"\",\"\",\"\",\"\",\"\",\"192.0.2.21\",\"\",\"\",\"\"\n");
}

TEST(ExtraColumnsConvert, ColumnsFollowTheOrderChosen) {
  EXPECT_EQ(convert_vm({Column::vm_ports, Column::vm_status}),
            "\"Host ID\",\"QG HostID\",\"QID\",\"Ports\",\"Status\"\n"
            "\"7200001\",\"\",\"38170\",\"443||3389\",\"Re-Opened\"\n"
            "\"7200001\",\"\",\"90001\",\"\",\"New\"\n"
            "\"7200002\",\"0a1b2c3d-0000-4000-8000-000000000021\",\"90002\",\"\",\"Fixed\"\n");
}

TEST(ExtraColumnsConvert, HostColumnsAloneNeedNoDetectionFields) {
  EXPECT_EQ(convert_vm({Column::vm_netbios}),
            "\"Host ID\",\"QG HostID\",\"QID\",\"NetBIOS\"\n"
            "\"7200001\",\"\",\"38170\",\"HOST-20\"\n"
            "\"7200001\",\"\",\"90001\",\"HOST-20\"\n"
            "\"7200002\",\"0a1b2c3d-0000-4000-8000-000000000021\",\"90002\",\"\"\n");
}

TEST(ExtraColumnsConvert, VulnKbColumnsLeaveMissingFieldsEmptyAndCveAlone) {
  TempDir out;
  ConvertOptions options;
  options.columns.vulnkb = {Column::kb_type, Column::kb_vendor_references, Column::kb_threat_intel,
                            Column::kb_cvss_v3_base};
  convert_files(JobKind::kb, {kFixtures / "kb_multi_cve.xml"}, out.path(), options);
  // Read off kb_multi_cve.xml: only 90001 has vendor references and threat flags, none has
  // CVSS v3; a vendor reference ID is not a CVE.
  EXPECT_EQ(read_file(out.path() / "vulnkb.csv"),
            "\"QID_KB\",\"Vulnerability\",\"Category\",\"SeverityLevel\",\"Type\","
            "\"Vendor References\",\"Threat Intelligence\",\"CVSS v3 Base\"\n"
            "\"90001\",\"Example \"\"Quoted\"\" Server, Multiple Flaws\",\"Web server\",\"4\","
            "\"Vulnerability\",\"EXAMPLE-SA-2026-01\",\"Remote_Code_Execution\",\"\"\n"
            "\"90002\",\"  Padded <B>Title</B> & more  \",\"Information gathering\",\"1\","
            "\"Information Gathered\",\"\",\"\",\"\"\n"
            "\"90003\",\"Plain & simple title\",\"Local\",\"3\",\"Potential Vulnerability\","
            "\"\",\"\",\"\"\n");
  TempDir plain;
  convert_files(JobKind::kb, {kFixtures / "kb_multi_cve.xml"}, plain.path(), {});
  EXPECT_EQ(read_file(out.path() / "cve.csv"), read_file(plain.path() / "cve.csv"));
}

TEST(ExtraColumnsConvert, AssetsHostIdIsEmptyWhenCsamHasNullOrNone) {
  TempDir plain;
  convert_files(JobKind::assets, {kFixtures / "csam_page_nulls.json"}, plain.path(), {});
  TempDir out;
  ConvertOptions options;
  options.columns.assets = {Column::asset_host_id};
  convert_files(JobKind::assets, {kFixtures / "csam_page_nulls.json"}, out.path(), options);
  // Read off csam_page_nulls.json: a hostId above 2^53, a null one, and an asset without one.
  const std::vector<std::string> appended{"\"Host ID\"", "\"9007199254740995\"", "\"\"", "\"\""};
  std::string expected;
  std::istringstream lines(read_file(plain.path() / "assets.csv"));
  std::size_t i = 0;
  for (std::string line; std::getline(lines, line); ++i) {
    ASSERT_LT(i, appended.size());
    expected += line + "," + appended[i] + "\n";
  }
  EXPECT_EQ(read_file(out.path() / "assets.csv"), expected);
}

TEST(ExtraColumnsConvert, AssetsDnsNameAndAgentIdAreEmptyWhenAbsent) {
  TempDir out;
  ConvertOptions options;
  options.columns.assets = {Column::asset_dns_name, Column::asset_agent_id};
  convert_files(JobKind::assets, {kFixtures / "csam_page_has_more.json"}, out.path(), options);
  // Read off csam_page_has_more.json: the second asset has neither field.
  const auto text = read_file(out.path() / "assets.csv");
  EXPECT_NE(text.find(",\"DNS Name\",\"Agent ID\"\n\"20001\","), std::string::npos) << text;
  EXPECT_NE(text.find(",\"app-21.example.test\",\"0b0b0b0b-1111-4222-8333-444444444444\"\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\"20002\","), std::string::npos) << text;
  EXPECT_EQ(text.substr(text.size() - 7), ",\"\",\"\"\n") << text;
}

// The appended cells of each row of assets.csv (after the 16 legacy columns), header included.
std::vector<std::string> appended_cells(const std::string& csv) {
  std::vector<std::string> rows;
  std::istringstream lines(csv);
  for (std::string line; std::getline(lines, line);) {
    std::size_t at = 0;
    for (int comma = 0; comma < 16; ++comma) at = line.find("\",\"", at) + 2;
    rows.push_back(line.substr(at));
  }
  return rows;
}

TEST(ExtraColumnsConvert, AssetsTagsCheckInAndCloudColumnsReadEveryShapeOfCsam) {
  TempDir out;
  ConvertOptions options;
  options.columns.assets = {Column::asset_tags, Column::asset_last_check_in,
                            Column::asset_cloud_provider, Column::asset_instance_id};
  convert_files(JobKind::assets, {kFixtures / "csam_page_extras.json"}, out.path(), options);
  // Read off csam_page_extras.json (its assets have no legacy field but their ID and name).
  EXPECT_EQ(appended_cells(read_file(out.path() / "assets.csv")),
            (std::vector<std::string>{
                R"("Tags","Last Check-In","Cloud Provider","Instance ID")",
                R"("Cloud Agent||Zürich, ""DMZ""||日本-Tokyo","2025-07-14T19:20:14.000Z","","")",
                R"("","2026-01-12T08:30:00.000Z","AWS","i-0bb87c3281243cdfd")",
                R"("","","AZURE","8d6b2f3e-1c1a-4b7e-9f00-0123456789ab")",
                R"("","","GCP","4567890123456789012")", R"("","","OCI","ocid1.instance.oc1")",
                R"("","","AWS","")"}));
}

TEST(ExtraColumnsConvert, AssetsWithoutTheNewColumnsIgnoreTheirFields) {
  TempDir plain;
  convert_files(JobKind::assets, {kFixtures / "csam_page_extras.json"}, plain.path(), {});
  const auto text = read_file(plain.path() / "assets.csv");
  EXPECT_EQ(text.find("Cloud Agent"), std::string::npos) << text;
  EXPECT_EQ(text.find("AWS"), std::string::npos) << text;
}

TEST(ExtraColumnsConvert, AssetFieldsAskForEachCsamFieldOnceInTheOrderChosen) {
  EXPECT_EQ(asset_fields({}), "");
  EXPECT_EQ(asset_fields({Column::asset_host_id}), "");
  EXPECT_EQ(asset_fields({Column::asset_instance_id, Column::asset_tags,
                          Column::asset_cloud_provider, Column::asset_last_check_in}),
            ",cloudProvider,tagList,provider,agent");
  EXPECT_EQ(asset_fields({Column::asset_agent_id, Column::asset_last_check_in}), ",agentId,agent");
}

}  // namespace
}  // namespace qi::jobs
