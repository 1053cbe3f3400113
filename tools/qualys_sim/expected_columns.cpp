// The oracle of the extra columns (vm.csv, vulnkb.csv, assets.csv): written from the generators
// with plain containers, independent of the daemon's parsers and combining code
// (jobs/*_columns.cpp).
#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

#include "qualys_sim/expected_csv.hpp"
#include "qualys_sim/sim_util.hpp"

namespace qi::sim {

namespace {

// An extra column's date (docs/configuration.md "Dates"): the generator's YYYY-MM-DDTHH:MM:SSZ
// with milliseconds, which are always .000 (Qualys's dates are to the second).
std::string extra_date(const std::string& iso) {
  if (iso.empty()) return iso;
  if (iso.size() != 20 || iso.back() != 'Z') throw std::logic_error("not a generated date: " + iso);
  return iso.substr(0, 19) + ".000Z";
}

int rank(const std::string& value, const std::vector<std::string>& least_to_most) {
  return static_cast<int>(std::find(least_to_most.begin(), least_to_most.end(), value) -
                          least_to_most.begin());
}

// One column's value for the detections `ds` (one QID of `host`, one per port).
std::string column_value(const std::string& column, const SimHost& host,
                         const std::vector<SimDetection>& ds) {
  const std::vector<std::string> statuses{"Fixed", "Active", "New", "Re-Opened"};
  const std::vector<std::string> types{"Info", "Potential", "Confirmed"};
  std::string status;
  std::string type;
  int severity = 0;
  std::string first_found;
  std::string last_found;
  std::string last_fixed;
  int times_found = 0;
  int qds = 0;
  std::set<int> ports;
  bool all_ignored = true;
  bool all_disabled = true;
  for (const auto& d : ds) {
    if (status.empty() || rank(d.status, statuses) > rank(status, statuses)) status = d.status;
    if (type.empty() || rank(d.type, types) > rank(type, types)) type = d.type;
    severity = std::max(severity, d.severity);
    // The generator writes every date as YYYY-MM-DDTHH:MM:SSZ: text order is time order.
    if (first_found.empty() || d.first_found < first_found) first_found = d.first_found;
    last_found = std::max(last_found, d.last_found);
    last_fixed = std::max(last_fixed, d.last_fixed);
    times_found = std::max(times_found, d.times_found);
    qds = std::max(qds, d.qds);
    if (d.port != 0) ports.insert(d.port);
    all_ignored = all_ignored && d.ignored;
    all_disabled = all_disabled && d.disabled;
  }
  if (column == "Status") return status;
  if (column == "Type") return type;
  if (column == "Severity") return std::to_string(severity);
  if (column == "First Found") return extra_date(first_found);
  if (column == "Last Found") return extra_date(last_found);
  if (column == "Last Fixed") return extra_date(last_fixed);
  if (column == "Times Found") return std::to_string(times_found);
  if (column == "QDS") return qds > 0 ? std::to_string(qds) : "";
  if (column == "Is Ignored") return all_ignored ? "1" : "0";
  if (column == "Is Disabled") return all_disabled ? "1" : "0";
  if (column == "IP") return host.ip;
  if (column == "DNS") return host.dns;
  if (column == "NetBIOS") return host.netbios;
  if (column == "OS") return host.os;
  if (column == "Ports") {
    std::string joined;
    for (int port : ports) joined += (joined.empty() ? "" : "||") + std::to_string(port);
    return joined;
  }
  throw std::invalid_argument("no vm.csv column " + column);
}

}  // namespace

void write_expected_vm_csv(const DataSpec& spec, const std::filesystem::path& dir,
                           const DetectionFilter& filter, const std::vector<std::string>& columns) {
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / "vm.csv", std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + (dir / "vm.csv").string());
  auto row = [&](const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      out << (i == 0 ? "" : ",") << expected_csv_field(fields[i]);
    }
    out << '\n';
  };
  std::vector<std::string> header{"Host ID", "QG HostID", "QID"};
  header.insert(header.end(), columns.begin(), columns.end());
  row(header);
  for (std::int64_t j = 0; j < host_slots(spec); ++j) {
    if (!host_exists(spec, j)) continue;
    const SimHost host = host_at(spec, j);
    std::vector<std::int64_t> order;
    std::map<std::int64_t, std::vector<SimDetection>> by_qid;
    for (const auto& d : filtered_detections(spec, j, filter)) {
      if (by_qid[d.qid].empty()) order.push_back(d.qid);
      by_qid[d.qid].push_back(d);
    }
    for (auto qid : order) {
      std::vector<std::string> fields{std::to_string(host.host_id), host.qg_hostid.value_or(""),
                                      std::to_string(qid)};
      for (const auto& column : columns) fields.push_back(column_value(column, host, by_qid[qid]));
      row(fields);
    }
  }
}

}  // namespace qi::sim

namespace qi::sim {

namespace {

std::string joined(const std::vector<std::string>& values, bool distinct) {
  std::string text;
  std::set<std::string> seen;
  for (const auto& value : values) {
    if (distinct && !seen.insert(value).second) continue;
    text += (text.empty() ? "" : "||") + value;
  }
  return text;
}

std::string kb_column(const std::string& column, const SimVuln& v) {
  if (column == "Type") return v.vuln_type;
  // Rendered only for some QIDs (render_xml.cpp): absent is empty.
  if (column == "Published") return v.qid % 5 != 0 ? extra_date(v.published) : "";
  if (column == "Last Modified") return extra_date(v.last_modified);
  if (column == "Patchable") return v.patchable ? "1" : "0";
  if (column == "CVSS v2 Base") return v.cvss_v2_base;
  if (column == "CVSS v3 Base") return v.cvss_v3_base;
  if (column == "CVSS v3 Vector") return v.cvss_v3_vector;
  if (column == "PCI Flag") return v.severity >= 3 ? "1" : "0";
  if (column == "Threat Intelligence") return joined(v.threat_intel, true);
  if (column == "Vendor References") return joined(v.vendor_refs, false);
  throw std::invalid_argument("no vulnkb.csv column " + column);
}

}  // namespace

void write_expected_vulnkb_csv(const DataSpec& spec, const std::filesystem::path& dir,
                               const std::vector<std::string>& columns) {
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / "vulnkb.csv", std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + (dir / "vulnkb.csv").string());
  std::vector<std::string> header{"QID_KB", "Vulnerability", "Category", "SeverityLevel"};
  header.insert(header.end(), columns.begin(), columns.end());
  auto row = [&](const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      out << (i == 0 ? "" : ",") << expected_csv_field(fields[i]);
    }
    out << '\n';
  };
  row(header);
  for (std::int64_t i = 0; i < qid_slots(spec); ++i) {
    const SimVuln v = vuln_at(spec, i);
    std::vector<std::string> fields{std::to_string(v.qid), v.title, v.category,
                                    std::to_string(v.severity)};
    for (const auto& column : columns) fields.push_back(kb_column(column, v));
    row(fields);
  }
}

namespace {

std::string opt(const std::optional<std::string>& value) {
  return value.value_or("");
}

std::string asset_column(const std::string& column, const SimAsset& a) {
  if (column == "Host ID") return a.host_id ? std::to_string(*a.host_id) : "";
  // Rendered from these (render_json.cpp): null when the generator left them out.
  if (column == "DNS Name") return opt(a.netbios_name);
  if (column == "Agent ID") return opt(a.asset_uuid);
  if (column == "Tags") {
    std::vector<std::string> names;
    for (const auto& tag : a.tags) {
      if (!tag.empty()) names.push_back(tag);
    }
    return joined(names, true);
  }
  // Whole seconds: the generator's times are after 1970, so division floors.
  if (column == "Last Check-In")
    return a.checked_in_ms ? extra_date(iso_utc(*a.checked_in_ms / 1000, false)) : "";
  if (column == "Cloud Provider") {
    if (a.provider && !a.provider->empty()) return *a.provider;
    std::string key = a.cloud;
    for (char& c : key) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    return key;
  }
  if (column == "Instance ID") return a.instance_id;
  throw std::invalid_argument("no assets.csv column " + column);
}

}  // namespace

void write_expected_assets_csv(const DataSpec& spec, const std::filesystem::path& dir,
                               const std::vector<std::string>& columns) {
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / "assets.csv", std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + (dir / "assets.csv").string());
  auto row = [&](const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      out << (i == 0 ? "" : ",") << expected_csv_field(fields[i]);
    }
    out << '\n';
  };
  std::vector<std::string> header{"AssetID",           "AssetUUID",
                                  "Address",           "AssetName",
                                  "NetBiosName",       "LastLoggedOnUser",
                                  "BiosSerialNumber",  "BiosAssetTag",
                                  "OperatingSystem",   "OS Category",
                                  "OS SubCategory",    "Hardware",
                                  "Hardware Category", "Hardware SubCategory",
                                  "LastModifiedDate",  "CreatedDate"};
  header.insert(header.end(), columns.begin(), columns.end());
  row(header);
  for (std::int64_t i = 0; i < asset_slots(spec); ++i) {
    if (!asset_exists(spec, i)) continue;
    const SimAsset a = asset_at(spec, i);
    std::vector<std::string> fields{std::to_string(a.asset_id),
                                    opt(a.asset_uuid),
                                    opt(a.address),
                                    a.asset_name,
                                    opt(a.netbios_name),
                                    opt(a.last_logged_on_user),
                                    opt(a.bios_serial_number),
                                    opt(a.bios_asset_tag),
                                    a.operating_system.full_name,
                                    a.operating_system.category1,
                                    a.operating_system.category2,
                                    a.hardware.full_name,
                                    a.hardware.category1,
                                    a.hardware.category2,
                                    a.last_modified_date,
                                    a.created_date};
    for (const auto& column : columns) fields.push_back(asset_column(column, a));
    row(fields);
  }
}

}  // namespace qi::sim
