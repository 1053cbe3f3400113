// The output files and their headers: the compatibility contract with existing Insight import
// configurations (docs/design.md, "Outputs"). Names, header text and column order must not change.
#pragma once

#include <array>
#include <span>
#include <string_view>
#include <vector>

#include "config/column_catalog.hpp"

namespace qi::jobs {

inline constexpr std::string_view kAssetsFile = "assets.csv";
inline constexpr std::string_view kVulnKbFile = "vulnkb.csv";
inline constexpr std::string_view kCveFile = "cve.csv";
inline constexpr std::string_view kVmFile = "vm.csv";

inline constexpr std::array<std::string_view, 16> kAssetsHeader = {
    "AssetID",           "AssetUUID",
    "Address",           "AssetName",
    "NetBiosName",       "LastLoggedOnUser",
    "BiosSerialNumber",  "BiosAssetTag",
    "OperatingSystem",   "OS Category",
    "OS SubCategory",    "Hardware",
    "Hardware Category", "Hardware SubCategory",
    "LastModifiedDate",  "CreatedDate"};

inline constexpr std::array<std::string_view, 4> kVulnKbHeader = {"QID_KB", "Vulnerability",
                                                                  "Category", "SeverityLevel"};

inline constexpr std::array<std::string_view, 2> kCveHeader = {"QID_CVE", "CVE_ID"};

inline constexpr std::array<std::string_view, 3> kVmHeader = {"Host ID", "QG HostID", "QID"};

// A file's header: the legacy columns, then the chosen extra columns (output.extra_columns) in
// the order given. Insight maps columns by header, so appended ones leave existing imports be.
inline std::vector<std::string_view> header_with(std::span<const std::string_view> legacy,
                                                 const std::vector<config::Column>& extra) {
  std::vector<std::string_view> header(legacy.begin(), legacy.end());
  for (auto column : extra) header.push_back(config::column_name(column));
  return header;
}

}  // namespace qi::jobs
