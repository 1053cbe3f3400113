// A published set for the Cloud importer's tests: the four files with the headers the jobs write,
// the rows a test gives, their SHA-256 and row counts as manifest.json would say, and the
// asset → host ID pairs the assets job keeps beside its incremental base; with extra columns
// (output.extra_columns) appended when a test chooses some.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "insight/importer.hpp"
#include "jobs/columns.hpp"
#include "output/manifest.hpp"

namespace qi::insight::testing {

struct SetRows {
  // AssetID, AssetName, LastModifiedDate; the other asset columns are empty.
  struct Asset {
    std::string id, name, modified;
  };
  std::vector<Asset> assets;
  std::vector<std::vector<std::string>> vulnkb;  // QID_KB, Vulnerability, Category, SeverityLevel
  std::vector<std::vector<std::string>> cve;     // QID_CVE, CVE_ID
  std::vector<std::vector<std::string>> vm;      // Host ID, QG HostID, QID
  std::vector<std::pair<std::string, std::string>> host_ids;  // AssetID, HostID
  // output.extra_columns: appended to each file's header; row i of a file ends with
  // extra_cells[file][i] (empty cells when the test gives none).
  config::ExtraColumns columns;
  std::map<std::string, std::vector<std::vector<std::string>>, std::less<>> extra_cells;

  std::vector<std::string> extra_of(std::string_view file, std::size_t row) const {
    const auto it = extra_cells.find(file);
    if (it == extra_cells.end() || row >= it->second.size()) return {};
    return it->second[row];
  }
};

template <typename Header>
std::string csv_line(const Header& fields) {
  std::string line;
  for (const auto& field : fields) {
    line += (line.empty() ? "\"" : ",\"") + std::string(field) + "\"";
  }
  return line + "\n";
}

inline ImportFile write_file(const std::filesystem::path& dir, std::string_view name,
                             const std::string& text, std::uint64_t rows) {
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return {std::string(name), path, output::sha256_of_file(path), rows,
          std::filesystem::file_size(path)};
}

// Writes the set into `output_dir` and, when `state_dir` is not empty, the assets base with its
// copy of assets.csv and asset-host-ids.csv, as jobs/incremental_base.hpp lays it out.
inline ImportSet write_set(const std::filesystem::path& output_dir,
                           const std::filesystem::path& state_dir, const SetRows& rows) {
  std::filesystem::create_directories(output_dir);
  ImportSet set;
  set.id = "set-under-test";
  const auto assets_header = jobs::header_with(jobs::kAssetsHeader, rows.columns.assets);
  std::string assets = csv_line(assets_header);
  for (std::size_t i = 0; i < rows.assets.size(); ++i) {
    std::vector<std::string> fields(jobs::kAssetsHeader.size());
    fields[0] = rows.assets[i].id;
    fields[3] = rows.assets[i].name;
    fields[14] = rows.assets[i].modified;
    auto extra = rows.extra_of(jobs::kAssetsFile, i);
    extra.resize(rows.columns.assets.size());
    fields.insert(fields.end(), extra.begin(), extra.end());
    assets += csv_line(fields);
  }
  set.files.push_back(write_file(output_dir, jobs::kAssetsFile, assets, rows.assets.size()));
  const auto table = [&](std::string_view name, const auto& legacy,
                         const std::vector<config::Column>& chosen, const auto& lines) {
    std::string text = csv_line(jobs::header_with(legacy, chosen));
    for (std::size_t i = 0; i < lines.size(); ++i) {
      auto fields = lines[i];
      auto extra = rows.extra_of(name, i);
      extra.resize(chosen.size());
      fields.insert(fields.end(), extra.begin(), extra.end());
      text += csv_line(fields);
    }
    set.files.push_back(write_file(output_dir, name, text, lines.size()));
  };
  table(jobs::kVulnKbFile, jobs::kVulnKbHeader, rows.columns.vulnkb, rows.vulnkb);
  table(jobs::kCveFile, jobs::kCveHeader, rows.columns.cve, rows.cve);
  table(jobs::kVmFile, jobs::kVmHeader, rows.columns.vm, rows.vm);
  if (!state_dir.empty()) {
    const auto base = state_dir / "base" / "assets-run1";
    std::filesystem::create_directories(base);
    std::filesystem::copy_file(output_dir / jobs::kAssetsFile, base / jobs::kAssetsFile,
                               std::filesystem::copy_options::overwrite_existing);
    std::string pairs = "\"AssetID\",\"HostID\"\n";
    for (const auto& [asset, host] : rows.host_ids) pairs += "\"" + asset + "\",\"" + host + "\"\n";
    std::ofstream(base / "asset-host-ids.csv", std::ios::binary) << pairs;
    std::ofstream(state_dir / "base" / "assets.meta")
        << "dir assets-run1\nrun_started 2026-12-03T01:00:00Z\n";
  }
  return set;
}

// Two hosts, one QID with a CVE, each host detecting it.
inline SetRows small_rows() {
  SetRows rows;
  rows.assets = {{"1001", "web", "2026-01-11T01:02:03.004Z"}, {"1002", "db", ""}};
  rows.vulnkb = {{"38170", "SSL Certificate - Self-Signed", "General remote services", "2"}};
  rows.cve = {{"38170", "CVE-2021-44228"}};
  rows.vm = {{"501", "qg-1", "38170"}, {"502", "", "38170"}};
  rows.host_ids = {{"1001", "501"}, {"1002", "502"}};
  return rows;
}

// small_rows() with two KnowledgeBase QIDs no host detects, each with a CVE: with
// insight.cloud.vulnerabilities: detected they stay out of the push.
inline SetRows rows_with_undetected_qids() {
  SetRows rows = small_rows();
  rows.vulnkb.push_back({"11827", "HTTP Security Header Not Detected", "CGI", "2"});
  rows.vulnkb.push_back({"105489", "Microsoft Windows Update Missing", "Windows", "4"});
  rows.cve.push_back({"11827", "CVE-2019-0001"});
  rows.cve.push_back({"105489", "CVE-2020-0002"});
  return rows;
}

}  // namespace qi::insight::testing
