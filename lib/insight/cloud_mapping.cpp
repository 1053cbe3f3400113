#include "insight/cloud_mapping.hpp"

#include <array>

#include "insight/cloud_extra_attributes.hpp"
#include "insight/json_digest.hpp"
#include "insight/json_output.hpp"

namespace qi::insight {
namespace {

constexpr std::string_view kSchemaVersion =
    "https://api.atlassian.com/jsm/assets/imports/external/schema/versions/2023_10_19";

// One attribute fed by one CSV column.
AttributeMapping column(std::string id, std::string name, std::string column_name,
                        std::string locator, AttributeType type = AttributeType::text) {
  AttributeMapping a;
  a.external_id = std::move(id);
  a.description = "From the column \"" + column_name + "\"";
  a.name = std::move(name);
  a.type = type;
  a.locator = std::move(locator);
  a.columns = {std::move(column_name)};
  return a;
}

AttributeMapping identifying(AttributeMapping a) {
  a.identifier = true;
  return a;
}

AttributeMapping labelled(AttributeMapping a) {
  a.label = true;
  return a;
}

// A reference found by `aql` on the referenced type, from the same cell as `source`.
AttributeMapping reference(std::string id, std::string name, const AttributeMapping& source,
                           std::string referenced_type, std::string aql) {
  AttributeMapping a = column(std::move(id), std::move(name), source.columns.front(),
                              source.locator, AttributeType::referenced_object);
  a.referenced_type = std::move(referenced_type);
  a.object_mapping_aql = std::move(aql);
  return a;
}

// The Host attributes that each carry one assets.csv column as it is: external ID (after
// "qualys-insight/host/"), name, column, locator and type.
struct HostColumn {
  std::string_view id, name, column, locator;
  AttributeType type = AttributeType::text;
};
constexpr std::array<HostColumn, 15> kHostColumns = {{
    {"asset-uuid", "Asset UUID", "AssetUUID", "assetUuid"},
    {"address", "Address", "Address", "address"},
    {"asset-name", "Asset Name", "AssetName", "assetName"},
    {"netbios-name", "NetBIOS Name", "NetBiosName", "netbiosName"},
    {"last-logged-on-user", "Last Logged On User", "LastLoggedOnUser", "lastLoggedOnUser"},
    {"bios-serial-number", "BIOS Serial Number", "BiosSerialNumber", "biosSerialNumber"},
    {"bios-asset-tag", "BIOS Asset Tag", "BiosAssetTag", "biosAssetTag"},
    {"operating-system", "Operating System", "OperatingSystem", "operatingSystem"},
    {"os-category", "OS Category", "OS Category", "osCategory"},
    {"os-subcategory", "OS Subcategory", "OS SubCategory", "osSubcategory"},
    {"hardware", "Hardware", "Hardware", "hardware"},
    {"hardware-category", "Hardware Category", "Hardware Category", "hardwareCategory"},
    {"hardware-subcategory", "Hardware Subcategory", "Hardware SubCategory", "hardwareSubcategory"},
    {"last-modified", "Asset Last Modified", "LastModifiedDate", "lastModifiedDate",
     AttributeType::date_time},
    {"created", "Asset Created", "CreatedDate", "createdDate", AttributeType::date_time},
}};

ObjectTypeMapping host() {
  const std::string t = "qualys-insight/host";
  ObjectTypeMapping type{
      t,       "Host",       "A CSAM asset (assets.csv), found again by its Asset ID",
      "hosts", "assets.csv", {}};
  AttributeMapping host_id = column(t + "/host-id", "Host ID", "AssetID", "hostId");
  host_id.source = ValueSource::host_id_of_asset;
  host_id.description =
      "The VM host ID that vm.csv names (CSAM hostId); empty for assets VM does not track";
  type.attributes = {
      labelled(identifying(column(t + "/asset-id", "Asset ID", "AssetID", "assetId"))), host_id};
  for (const auto& c : kHostColumns) {
    type.attributes.push_back(column(t + "/" + std::string(c.id), std::string(c.name),
                                     std::string(c.column), std::string(c.locator), c.type));
  }
  return type;
}

ObjectTypeMapping vulnerability() {
  const std::string t = "qualys-insight/vulnerability";
  return {
      t,
      "Vulnerability",
      "A KnowledgeBase QID (vulnkb.csv), found again by its QID",
      "vulnerabilities",
      "vulnkb.csv",
      {
          labelled(identifying(column(t + "/qid", "QID", "QID_KB", "qid"))),
          column(t + "/title", "Title", "Vulnerability", "title"),
          column(t + "/category", "Category", "Category", "category"),
          column(t + "/severity", "Severity", "SeverityLevel", "severity", AttributeType::integer),
      }};
}

// One object per (QID, CVE) row: a CVE named by two QIDs is two objects, each referencing its
// Vulnerability. Keyed by the CVE alone, the second row would replace the first one's reference.
ObjectTypeMapping cve() {
  const std::string t = "qualys-insight/cve";
  const AttributeMapping qid = identifying(column(t + "/qid", "QID", "QID_CVE", "qid"));
  return {t,
          "CVE",
          "A CVE of a QID (cve.csv), found again by its CVE ID and QID",
          "cves",
          "cve.csv",
          {
              labelled(identifying(column(t + "/cve-id", "CVE ID", "CVE_ID", "cveId"))),
              qid,
              reference(t + "/vulnerability", "Vulnerability", qid, "qualys-insight/vulnerability",
                        "\"QID\" = ${qid}"),
          }};
}

ObjectTypeMapping detection() {
  const std::string t = "qualys-insight/detection";
  const AttributeMapping host_id =
      identifying(column(t + "/host-id", "Host ID", "Host ID", "hostId"));
  const AttributeMapping qid = identifying(column(t + "/qid", "QID", "QID", "qid"));
  AttributeMapping name = column(t + "/detection", "Detection", "Host ID", "detection");
  name.columns = {"Host ID", "QID"};
  name.description = "Host ID and QID joined with \"-\"";
  return {
      t,
      "Detection",
      "A QID detected on a host (vm.csv), found again by its Host ID and QID",
      "detections",
      "vm.csv",
      {
          labelled(name),
          host_id,
          qid,
          column(t + "/qg-host-id", "QG Host ID", "QG HostID", "qgHostId"),
          reference(t + "/host", "Host", host_id, "qualys-insight/host", "\"Host ID\" = ${hostId}"),
          reference(t + "/vulnerability", "Vulnerability", qid, "qualys-insight/vulnerability",
                    "\"QID\" = ${qid}"),
      }};
}

void write_attribute(JsonOutput& out, const AttributeMapping& a) {
  out.start_object();
  out.member("externalId", a.external_id);
  out.member("name", a.name);
  out.member("description", a.description);
  out.member("type", type_name(a.type));
  if (a.label) out.flag("label", true);
  if (a.type == AttributeType::referenced_object) {
    out.member("referenceObjectTypeExternalId", a.referenced_type);
  }
  if (a.multi_valued) out.number("maximumCardinality", -1);
  out.end_object();
}

void write_attribute_mapping(JsonOutput& out, const AttributeMapping& a) {
  out.start_object();
  out.member("attributeExternalId", a.external_id);
  out.member("attributeName", a.name);
  out.key("attributeLocators");
  out.start_array();
  out.string(a.locator);
  out.end_array();
  out.flag("externalIdPart", a.identifier);
  if (!a.object_mapping_aql.empty()) out.member("objectMappingIQL", a.object_mapping_aql);
  out.end_object();
}

}  // namespace

std::string_view type_name(AttributeType type) {
  switch (type) {
    case AttributeType::text:
      return "text";
    case AttributeType::integer:
      return "integer";
    case AttributeType::decimal:
      return "double";
    case AttributeType::boolean:
      return "boolean";
    case AttributeType::date_time:
      return "date_time";
    case AttributeType::referenced_object:
      return "referenced_object";
  }
  return "text";
}

CloudMapping cloud_mapping(const config::ExtraColumns& extra_columns) {
  CloudMapping mapping{"Qualys",
                       "Hosts, vulnerabilities, CVEs and detections published by qualys-insightd",
                       {host(), vulnerability(), cve(), detection()}};
  for (auto& type : mapping.object_types) {
    for (const config::CsvFile file : {config::CsvFile::assets, config::CsvFile::vulnkb,
                                       config::CsvFile::cve, config::CsvFile::vm}) {
      if (type.file != std::string(config::file_key(file)) + ".csv") continue;
      for (const config::Column column : extra_columns.of(file)) {
        add_extra_attribute(type, config::catalog_entry(column));
      }
    }
  }
  return mapping;
}

std::string mapping_document(const CloudMapping& mapping) {
  std::string text;
  JsonOutput out(text);
  out.start_object();
  out.member("$schema", kSchemaVersion);
  out.key("schema");
  out.start_object();
  out.key("objectSchema");
  out.start_object();
  out.member("name", mapping.schema_name);
  out.member("description", mapping.schema_description);
  out.key("objectTypes");
  out.start_array();
  for (const auto& type : mapping.object_types) {
    out.start_object();
    out.member("externalId", type.external_id);
    out.member("name", type.name);
    out.member("description", type.description);
    out.key("attributes");
    out.start_array();
    for (const auto& attribute : type.attributes) write_attribute(out, attribute);
    out.end_array();
    out.end_object();
  }
  out.end_array();
  out.end_object();
  out.end_object();
  out.key("mapping");
  out.start_object();
  out.key("objectTypeMappings");
  out.start_array();
  for (const auto& type : mapping.object_types) {
    out.start_object();
    out.member("objectTypeExternalId", type.external_id);
    out.member("objectTypeName", type.name);
    out.member("selector", type.selector);
    out.member("description", "Objects of " + type.file);
    out.key("attributesMapping");
    out.start_array();
    for (const auto& attribute : type.attributes) write_attribute_mapping(out, attribute);
    out.end_array();
    out.end_object();
  }
  out.end_array();
  out.end_object();
  out.end_object();
  return text;
}

std::string mapping_digest(const CloudMapping& mapping) {
  return json_digest(mapping_document(mapping));
}

}  // namespace qi::insight
