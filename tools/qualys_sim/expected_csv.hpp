// The test oracle: the four CSV files the daemon must publish for a simulated dataset, written
// with deliberately simple code straight from the record generators (not from the rendered
// XML/JSON), in the dialect of docs/design.md "Outputs": UTF-8, every field quoted, quotes doubled,
// each CR LF / lone CR / lone LF inside a value turned into one space, "\n" line ends.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "qualys_sim/data_spec.hpp"
#include "qualys_sim/detection_filter.hpp"

namespace qi::sim {

// Writes assets.csv, vulnkb.csv, cve.csv and vm.csv into dir (created if missing) for the
// generation the spec is at (a running simulator's is Simulator::data()). vm.csv holds the
// detections `filter` selects (use the filter the daemon's requests imply).
void write_expected_csv(const DataSpec& spec, const std::filesystem::path& dir,
                        const DetectionFilter& filter = DetectionFilter{});

// vm.csv with the extra columns `columns` (catalog names, docs/configuration.md "Extra columns")
// appended, each (host, QID) combining its ports' detections as the catalog says.
void write_expected_vm_csv(const DataSpec& spec, const std::filesystem::path& dir,
                           const DetectionFilter& filter, const std::vector<std::string>& columns);

// vulnkb.csv with the extra columns `columns` (catalog names) appended, for details=Basic.
void write_expected_vulnkb_csv(const DataSpec& spec, const std::filesystem::path& dir,
                               const std::vector<std::string>& columns);

// assets.csv with the extra columns `columns` (catalog names) appended.
void write_expected_assets_csv(const DataSpec& spec, const std::filesystem::path& dir,
                               const std::vector<std::string>& columns);

// One CSV field in the docs/design.md dialect (exposed for the oracle's own tests).
std::string expected_csv_field(std::string_view value);

}  // namespace qi::sim
