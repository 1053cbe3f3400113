// The catalog of extra columns (output.extra_columns): every column an operator may append to the
// four files, where its value comes from and how several API records combine into one row. The
// one list that `check` validates against, the jobs write and docs/configuration.md reproduces.
// Names are part of the contract with Insight import configurations (which map by header): a
// name, once released, does not change.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qi::config {

// The four output files, in the order of output.extra_columns' keys.
enum class CsvFile : std::uint8_t { assets, vulnkb, cve, vm };

enum class Column : std::uint8_t {
  // assets.csv: per asset.
  asset_host_id,
  asset_dns_name,
  asset_agent_id,
  asset_tags,
  asset_last_check_in,
  asset_cloud_provider,
  asset_instance_id,
  // vm.csv: per distinct (host, QID); a detection reported on several ports combines.
  vm_status,
  vm_type,
  vm_severity,
  vm_first_found,
  vm_last_found,
  vm_last_fixed,
  vm_times_found,
  vm_ports,
  vm_qds,
  vm_is_ignored,
  vm_is_disabled,
  vm_ip,
  vm_dns,
  vm_netbios,
  vm_os,
  // vulnkb.csv: per QID.
  kb_type,
  kb_published,
  kb_last_modified,
  kb_patchable,
  kb_cvss_v2_base,
  kb_cvss_v3_base,
  kb_cvss_v3_vector,
  kb_pci_flag,
  kb_threat_intel,
  kb_vendor_references,
};

// What a column's cells hold, so that an importer can give the value a matching attribute type
// (the Assets Cloud mapping does: insight/cloud_mapping.hpp). Every cell may also be empty.
enum class ValueKind : std::uint8_t {
  text,
  integer,    // decimal digits, optionally signed
  decimal,    // a number with an optional fraction ("7.5")
  flag,       // "1" or "0"
  date_time,  // YYYY-MM-DDTHH:MM:SS.000Z (UTC; qualys/iso_time.hpp)
  multi_text  // several texts joined with "||", Insight's multi-value separator
};

struct CatalogColumn {
  CsvFile file;
  Column column;
  std::string_view name;      // the header text
  ValueKind kind;             // what its cells hold
  std::string_view source;    // where Qualys sends it
  std::string_view combined;  // how several records make one value, and its form
};

// clang-format off
inline constexpr CatalogColumn kColumnCatalog[] = {
    {CsvFile::assets, Column::asset_host_id, "Host ID", ValueKind::integer, "hostId",
     "the VM host ID, the key vm.csv's Host ID names; empty for an asset VM does not track"},
    {CsvFile::assets, Column::asset_dns_name, "DNS Name", ValueKind::text, "dnsName",
     "as sent; empty when CSAM has none"},
    {CsvFile::assets, Column::asset_agent_id, "Agent ID", ValueKind::text, "agentId",
     "as sent; empty for an asset without a Cloud Agent"},
    {CsvFile::assets, Column::asset_tags, "Tags", ValueKind::multi_text, "tagList.tag[].tagName",
     "every name once, ||-joined in document order; empty when the asset has no tag"},
    {CsvFile::assets, Column::asset_last_check_in, "Last Check-In", ValueKind::date_time,
     "agent.lastCheckedIn", "date; empty for an asset without a Cloud Agent"},
    {CsvFile::assets, Column::asset_cloud_provider, "Cloud Provider", ValueKind::text,
     "provider, cloudProvider",
     "provider as sent, else the key of cloudProvider upper-cased (AWS, AZURE, GCP); empty "
     "for an asset outside a cloud"},
    {CsvFile::assets, Column::asset_instance_id, "Instance ID", ValueKind::text,
     "cloudProvider.<provider>.<service>.instanceId (Azure: vmId)",
     "as sent; empty for an asset outside a cloud"},
    {CsvFile::vm, Column::vm_status, "Status", ValueKind::text, "DETECTION/STATUS",
     "the most urgent of the ports' statuses: Re-Opened, then New, Active, Fixed"},
    {CsvFile::vm, Column::vm_type, "Type", ValueKind::text, "DETECTION/TYPE",
     "Confirmed when any port's detection is, else Potential (Info when all are)"},
    {CsvFile::vm, Column::vm_severity, "Severity", ValueKind::integer,
     "DETECTION/SEVERITY", "the highest (1-5)"},
    {CsvFile::vm, Column::vm_first_found, "First Found", ValueKind::date_time,
     "DETECTION/FIRST_FOUND_DATETIME", "the earliest; date"},
    {CsvFile::vm, Column::vm_last_found, "Last Found", ValueKind::date_time,
     "DETECTION/LAST_FOUND_DATETIME", "the latest; date"},
    {CsvFile::vm, Column::vm_last_fixed, "Last Fixed", ValueKind::date_time,
     "DETECTION/LAST_FIXED_DATETIME", "the latest; date; empty when never fixed"},
    {CsvFile::vm, Column::vm_times_found, "Times Found", ValueKind::integer,
     "DETECTION/TIMES_FOUND", "the highest (every port is found by the same scans)"},
    {CsvFile::vm, Column::vm_ports, "Ports", ValueKind::multi_text, "DETECTION/PORT",
     "every distinct port in ascending order, ||-joined; empty when none has a port"},
    {CsvFile::vm, Column::vm_qds, "QDS", ValueKind::integer,
     "DETECTION/QDS (asked for with show_qds=1)", "the highest (1-100)"},
    {CsvFile::vm, Column::vm_is_ignored, "Is Ignored", ValueKind::flag, "DETECTION/IS_IGNORED",
     "1 when every port's detection is ignored, else 0"},
    {CsvFile::vm, Column::vm_is_disabled, "Is Disabled", ValueKind::flag, "DETECTION/IS_DISABLED",
     "1 when every port's detection is disabled, else 0"},
    {CsvFile::vm, Column::vm_ip, "IP", ValueKind::text,
     "HOST/IP", "the host's; the same on each of its rows"},
    {CsvFile::vm, Column::vm_dns, "DNS", ValueKind::text, "HOST/DNS", "the host's"},
    {CsvFile::vm, Column::vm_netbios, "NetBIOS", ValueKind::text, "HOST/NETBIOS", "the host's"},
    {CsvFile::vm, Column::vm_os, "OS", ValueKind::text, "HOST/OS", "the host's"},
    {CsvFile::vulnkb, Column::kb_type, "Type", ValueKind::text, "VULN/VULN_TYPE",
     "as sent (Vulnerability, Potential Vulnerability, Information Gathered, ...)"},
    {CsvFile::vulnkb, Column::kb_published, "Published", ValueKind::date_time,
     "VULN/PUBLISHED_DATETIME", "date"},
    {CsvFile::vulnkb, Column::kb_last_modified, "Last Modified", ValueKind::date_time,
     "VULN/LAST_SERVICE_MODIFICATION_DATETIME", "date"},
    {CsvFile::vulnkb, Column::kb_patchable, "Patchable", ValueKind::flag,
     "VULN/PATCHABLE", "1 or 0"},
    {CsvFile::vulnkb, Column::kb_cvss_v2_base, "CVSS v2 Base", ValueKind::decimal,
     "VULN/CVSS/BASE", "as sent"},
    {CsvFile::vulnkb, Column::kb_cvss_v3_base, "CVSS v3 Base", ValueKind::decimal,
     "VULN/CVSS_V3/BASE", "as sent"},
    {CsvFile::vulnkb, Column::kb_cvss_v3_vector, "CVSS v3 Vector", ValueKind::text,
     "VULN/CVSS_V3/VECTOR_STRING", "as sent"},
    {CsvFile::vulnkb, Column::kb_pci_flag, "PCI Flag", ValueKind::flag, "VULN/PCI_FLAG", "1 or 0"},
    {CsvFile::vulnkb, Column::kb_threat_intel, "Threat Intelligence", ValueKind::multi_text,
     "VULN/THREAT_INTELLIGENCE/THREAT_INTEL (text)",
     "every flag (Exploit_Public, Active_Attacks, Malware, Ransomware, ...), ||-joined in "
     "document order, duplicates dropped"},
    {CsvFile::vulnkb, Column::kb_vendor_references, "Vendor References", ValueKind::multi_text,
     "VULN/VENDOR_REFERENCE_LIST/VENDOR_REFERENCE/ID", "every ID, ||-joined in document order"},
};
// clang-format on

// The columns chosen for each file, in the order given (appended after the legacy columns).
struct ExtraColumns {
  std::vector<Column> assets;
  std::vector<Column> vulnkb;
  std::vector<Column> cve;
  std::vector<Column> vm;

  const std::vector<Column>& of(CsvFile file) const;
  std::vector<Column>& of(CsvFile file);
  bool empty() const { return assets.empty() && vulnkb.empty() && cve.empty() && vm.empty(); }
  bool has(CsvFile file, Column column) const;
  bool operator==(const ExtraColumns&) const = default;
};

std::string_view file_key(CsvFile file);  // "assets", "vulnkb", "cve", "vm"
std::string_view column_name(Column column);
// The catalog row of `column` (every Column has exactly one).
const CatalogColumn& catalog_entry(Column column);
// The column of `file` named `name` (exactly, as in the catalog), if any.
std::optional<Column> find_column(CsvFile file, std::string_view name);
// "Status, Type, ..." for a message; "none yet" for a file without extra columns.
std::string column_names(CsvFile file);
// The selection as one line per file ("vm: Status|Ports"), empty for no selection: what the
// incremental bases record, so that a changed selection forces a full pull.
std::string selection_text(const ExtraColumns& columns);

}  // namespace qi::config
