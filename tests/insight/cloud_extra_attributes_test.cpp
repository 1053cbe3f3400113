// The attributes that output.extra_columns adds to our Assets Cloud mapping
// (insight/cloud_extra_attributes.hpp) and the values their cells make in the data chunks.
#include "insight/cloud_extra_attributes.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "insight/host_id_file.hpp"
#include "insight/json_digest.hpp"
#include "insight/object_chunks.hpp"
#include "jobs/columns.hpp"
#include "support/sha256_hex.hpp"
#include "support/temp_dir.hpp"

namespace qi::insight {
namespace {

using config::Column;
using config::CsvFile;

// Every catalog column, chosen for its file.
config::ExtraColumns every_column() {
  config::ExtraColumns all;
  for (const auto& entry : config::kColumnCatalog) all.of(entry.file).push_back(entry.column);
  return all;
}

const ObjectTypeMapping& type_of(const CloudMapping& mapping, std::string_view file) {
  for (const auto& type : mapping.object_types) {
    if (type.file == file) return type;
  }
  throw std::runtime_error("no type for " + std::string(file));
}

const AttributeMapping* find_attribute(const ObjectTypeMapping& type, std::string_view name) {
  for (const auto& attribute : type.attributes) {
    if (attribute.name == name) return &attribute;
  }
  return nullptr;
}

std::string csv_file_name(CsvFile file) {
  return std::string(config::file_key(file)) + ".csv";
}

// The SHA-256 of the document cloud_mapping() gave before output.extra_columns existed (the
// release whose mapping operators' import sources hold): without extra columns it must not
// change, or every site would see our mapping as changed.
constexpr std::string_view kLegacyDocumentSha256 =
    "aa15ad3f5b1290c993780270cdaba819e0d653832d18eeb62f57cdc2e69dcf3b";

TEST(CloudExtraAttributes, NoExtraColumnsGiveTheLegacyDocumentByteForByte) {
  EXPECT_EQ(qi::testing::sha256_hex(mapping_document(cloud_mapping({}))), kLegacyDocumentSha256);
  EXPECT_EQ(mapping_document(cloud_mapping()), mapping_document(cloud_mapping({})));
}

TEST(CloudExtraAttributes, EachChosenColumnIsOneTypedAttributeOfTheTypeItsFileFeeds) {
  const auto legacy = cloud_mapping();
  const auto mapping = cloud_mapping(every_column());
  for (const auto& entry : config::kColumnCatalog) {
    if (entry.column == Column::asset_host_id) continue;  // the Host's own Host ID reads it
    const auto& type = type_of(mapping, csv_file_name(entry.file));
    const AttributeMapping* attribute = find_attribute(type, entry.name);
    ASSERT_NE(attribute, nullptr) << entry.name;
    const std::string slug = column_slug(entry.name);
    EXPECT_EQ(attribute->external_id, type.external_id + "/extra-" + slug);
    EXPECT_EQ(attribute->columns, std::vector<std::string>{std::string(entry.name)});
    EXPECT_TRUE(attribute->locator.starts_with("extra_")) << attribute->locator;
    EXPECT_FALSE(attribute->identifier || attribute->label) << entry.name;
    EXPECT_EQ(attribute->multi_valued, entry.kind == config::ValueKind::multi_text);
    const std::map<config::ValueKind, AttributeType> expected = {
        {config::ValueKind::text, AttributeType::text},
        {config::ValueKind::integer, AttributeType::integer},
        {config::ValueKind::decimal, AttributeType::decimal},
        {config::ValueKind::flag, AttributeType::boolean},
        {config::ValueKind::date_time, AttributeType::date_time},
        {config::ValueKind::multi_text, AttributeType::text}};
    EXPECT_EQ(attribute->type, expected.at(entry.kind)) << entry.name;
  }
  // The legacy attributes come first, as they were.
  for (std::size_t i = 0; i < legacy.object_types.size(); ++i) {
    const auto& before = legacy.object_types[i].attributes;
    const auto& after = mapping.object_types[i].attributes;
    ASSERT_GE(after.size(), before.size());
    for (std::size_t a = 0; a < before.size(); ++a) {
      EXPECT_EQ(after[a].external_id, before[a].external_id);
      EXPECT_EQ(after[a].locator, before[a].locator);
    }
  }
}

TEST(CloudExtraAttributes, ExternalIdsLocatorsAndNamesStayUniqueWithEveryColumnChosen) {
  for (const auto& type : cloud_mapping(every_column()).object_types) {
    std::set<std::string> ids, locators, names;
    for (const auto& attribute : type.attributes) {
      EXPECT_TRUE(ids.insert(attribute.external_id).second) << attribute.external_id;
      EXPECT_TRUE(names.insert(attribute.name).second) << type.name << ": " << attribute.name;
      // Two attributes may share a locator only when they read the same cell (a reference).
      if (!locators.insert(attribute.locator).second) {
        EXPECT_EQ(attribute.type, AttributeType::referenced_object) << attribute.locator;
      }
    }
  }
}

TEST(CloudExtraAttributes, EveryColumnTheFullMappingReadsIsInTheHeaderTheJobsWrite) {
  const auto extra = every_column();
  const std::map<std::string, std::vector<std::string_view>> headers = {
      {"assets.csv", jobs::header_with(jobs::kAssetsHeader, extra.assets)},
      {"vulnkb.csv", jobs::header_with(jobs::kVulnKbHeader, extra.vulnkb)},
      {"cve.csv", jobs::header_with(jobs::kCveHeader, extra.cve)},
      {"vm.csv", jobs::header_with(jobs::kVmHeader, extra.vm)}};
  for (const auto& type : cloud_mapping(extra).object_types) {
    const auto& header = headers.at(type.file);
    for (const auto& attribute : type.attributes) {
      for (const auto& column : attribute.columns) {
        EXPECT_NE(std::find(header.begin(), header.end(), column), header.end())
            << type.file << " has no column " << column;
      }
    }
  }
}

TEST(CloudExtraAttributes, ChosenHostIdFeedsTheHostsOwnHostIdAttributeFromAssetsCsv) {
  config::ExtraColumns extra;
  extra.assets = {Column::asset_host_id};
  const auto mapping = cloud_mapping(extra);
  const auto& host = type_of(mapping, "assets.csv");
  int host_ids = 0;
  for (const auto& attribute : host.attributes) host_ids += attribute.name == "Host ID" ? 1 : 0;
  EXPECT_EQ(host_ids, 1);
  const AttributeMapping& host_id = *find_attribute(host, "Host ID");
  EXPECT_EQ(host_id.source, ValueSource::columns);
  EXPECT_EQ(host_id.columns, std::vector<std::string>{"Host ID"});
  EXPECT_EQ(host_id.external_id, "qualys-insight/host/host-id");
  EXPECT_EQ(host_id.locator, "hostId");
  // Where the value comes from is no part of the document: Assets sees the same mapping.
  EXPECT_EQ(mapping_document(mapping), mapping_document(cloud_mapping()));
  EXPECT_EQ(find_attribute(type_of(cloud_mapping(), "assets.csv"), "Host ID")->source,
            ValueSource::host_id_of_asset);
}

TEST(CloudExtraAttributes, ANameAnotherAttributeOrAssetsHoldsGetsTheFileAppended) {
  auto vulnerability = type_of(cloud_mapping(), "vulnkb.csv");
  const config::CatalogColumn title{
      CsvFile::vulnkb, Column::kb_type, "Title", config::ValueKind::text, "", ""};
  const config::CatalogColumn created{
      CsvFile::vulnkb, Column::kb_type, "Created", config::ValueKind::date_time, "", ""};
  add_extra_attribute(vulnerability, title);
  add_extra_attribute(vulnerability, created);
  const auto& added = vulnerability.attributes;
  EXPECT_EQ(added[added.size() - 2].name, "Title (vulnkb.csv)");
  EXPECT_EQ(added[added.size() - 2].external_id, "qualys-insight/vulnerability/extra-title");
  EXPECT_EQ(added[added.size() - 2].columns, std::vector<std::string>{"Title"});
  EXPECT_EQ(added.back().name, "Created (vulnkb.csv)");
  EXPECT_EQ(find_attribute(vulnerability, "Title")->locator, "title");
}

TEST(CloudExtraAttributes, SlugsAndLocatorsFollowTheColumnName) {
  EXPECT_EQ(column_slug("Last Check-In"), "last-check-in");
  EXPECT_EQ(column_slug("CVSS v3 Base"), "cvss-v3-base");
  EXPECT_EQ(column_slug("  Is  Ignored "), "is-ignored");
  config::ExtraColumns extra;
  extra.vulnkb = {Column::kb_cvss_v3_base};
  const auto mapping = cloud_mapping(extra);
  const auto& attribute = type_of(mapping, "vulnkb.csv").attributes.back();
  EXPECT_EQ(attribute.locator, "extra_cvss_v3_base");
  EXPECT_EQ(type_name(attribute.type), "double");
}

TEST(CloudExtraAttributes, TheDigestChangesWithTheSelectionAndItsOrder) {
  config::ExtraColumns a, b, c;
  a.vm = {Column::vm_status};
  b.vm = {Column::vm_status, Column::vm_ports};
  c.vm = {Column::vm_ports, Column::vm_status};
  const std::set<std::string> digests = {
      mapping_digest(cloud_mapping()), mapping_digest(cloud_mapping(a)),
      mapping_digest(cloud_mapping(b)), mapping_digest(cloud_mapping(c))};
  EXPECT_EQ(digests.size(), 4u);
  EXPECT_EQ(mapping_digest(cloud_mapping(a)), mapping_digest(cloud_mapping(a)));
}

// The first data chunk of `file` holding `text`, pushed with `extra` chosen.
std::string first_chunk(const config::ExtraColumns& extra, std::string_view file,
                        const std::string& text) {
  const auto mapping = cloud_mapping(extra);
  qi::testing::TempDir dir;
  const auto path = dir.path() / file;
  std::ofstream(path, std::ios::binary) << text;
  ObjectChunks chunks(path, type_of(mapping, file), {"r", 10, 1, false, nullptr});
  return std::string(chunks.next().value_or(""));
}

// Numbers and booleans as JSON, dates as written, empty cells of these types left out (an empty
// text as ""), "||" lists split.
TEST(CloudExtraAttributes, CellsBecomeValuesOfTheirAttributesType) {
  config::ExtraColumns extra;
  extra.vm = {Column::vm_severity, Column::vm_first_found, Column::vm_ports, Column::vm_is_ignored,
              Column::vm_os};
  EXPECT_EQ(first_chunk(
                extra, "vm.csv",
                "\"Host ID\",\"QG HostID\",\"QID\",\"Severity\",\"First Found\",\"Ports\","
                "\"Is Ignored\",\"OS\"\n"
                "\"5\",\"\",\"7\",\"4\",\"2026-01-11T01:02:03.000Z\",\"22||443\",\"1\",\"Linux\"\n"
                "\"6\",\"\",\"7\",\"\",\"\",\"\",\"0\",\"\"\n"),
            R"({"data":{"detections":[)"
            R"({"detection":"5-7","hostId":"5","qid":"7","qgHostId":"","extra_severity":4,)"
            R"("extra_first_found":"2026-01-11T01:02:03.000Z","extra_ports":["22","443"],)"
            R"("extra_is_ignored":true,"extra_os":"Linux"},)"
            R"({"detection":"6-7","hostId":"6","qid":"7","qgHostId":"","extra_is_ignored":false,)"
            R"("extra_os":""}]},"clientGeneratedId":"r-1","completed":false})");
}

// The rule of the base columns (Severity): Assets refuses that one object and says why.
TEST(CloudExtraAttributes, ACellThatIsNotOfItsTypeGoesAsText) {
  config::ExtraColumns extra;
  extra.vulnkb = {Column::kb_cvss_v3_base, Column::kb_patchable};
  EXPECT_EQ(first_chunk(extra, "vulnkb.csv",
                        "\"QID_KB\",\"Vulnerability\",\"Category\",\"SeverityLevel\","
                        "\"CVSS v3 Base\",\"Patchable\"\n"
                        "\"7\",\"t\",\"c\",\"3\",\"7.5\",\"yes\"\n"
                        "\"8\",\"t\",\"c\",\"3\",\"high\",\"0\"\n"),
            R"({"data":{"vulnerabilities":[)"
            R"({"qid":"7","title":"t","category":"c","severity":3,"extra_cvss_v3_base":7.5,)"
            R"("extra_patchable":"yes"},)"
            R"({"qid":"8","title":"t","category":"c","severity":3,"extra_cvss_v3_base":"high",)"
            R"("extra_patchable":false}]},"clientGeneratedId":"r-1","completed":false})");
}

TEST(CloudExtraAttributes, AFileWithoutAChosenColumnIsRefusedNamingItAndTheSelection) {
  config::ExtraColumns extra;
  extra.assets = {Column::asset_dns_name};
  qi::testing::TempDir dir;
  const auto assets = dir.path() / "assets.csv";
  std::string header;
  for (auto name : jobs::kAssetsHeader)
    header += (header.empty() ? "\"" : ",\"") + std::string(name) + "\"";
  std::ofstream(assets, std::ios::binary) << header << "\n";
  const auto mapping = cloud_mapping(extra);
  try {
    const NoHostIds no_host_ids;
    ChunkOptions options;
    options.host_ids = &no_host_ids;
    ObjectChunks chunks(assets, type_of(mapping, "assets.csv"), options);
    FAIL() << "no error";
  } catch (const std::exception& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("has no column \"DNS Name\""), std::string::npos) << message;
    EXPECT_NE(message.find("output.extra_columns"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace qi::insight
