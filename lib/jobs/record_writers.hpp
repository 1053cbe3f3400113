// Turning parsed records into CSV rows. Shared by the online jobs and `convert`, so both produce
// byte-identical files from the same API responses.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "config/column_catalog.hpp"
#include "output/csv_writer.hpp"
#include "qualys/records.hpp"

namespace qi::jobs {

// One assets.csv row; `extra`: the assets.csv extra columns (asset_columns.hpp).
void write_asset_row(output::CsvWriter& assets, const qualys::Asset& asset,
                     const std::vector<config::Column>& extra = {});

// One vulnkb.csv row and one cve.csv row per distinct non-blank CVE ID of the QID, in document
// order (a QID without CVEs has no cve.csv row; an empty or whitespace-only ID is none). `extra`:
// the vulnkb.csv extra columns, whose fields the parser collected (kb_fields).
void write_kb_rows(output::CsvWriter& vulnkb, output::CsvWriter& cve, const qualys::KbVuln& vuln,
                   const std::vector<config::Column>& extra = {});

// Writes vm.csv rows: one per distinct (host, QID) pair, in document order of each QID's first
// detection. Hosts must arrive in ascending ID order across all pages (Qualys sorts them; paging
// by id_min relies on it), which is what makes the pairs distinct across pages without keeping
// every host in memory. A host out of order is an error rather than a silent duplicate. With
// extra columns, each pair's detections (one per port) combine into its row (vm_columns.hpp);
// the host must then carry the fields detection_fields(extra) asks for.
class DetectionRowWriter {
 public:
  explicit DetectionRowWriter(output::CsvWriter& vm, std::vector<config::Column> extra = {})
      : vm_(vm), extra_(std::move(extra)) {}

  void write(const qualys::DetectionHost& host);

  // For page retries: the ordering state to go back to together with the CSV mark.
  std::optional<std::int64_t> last_host_id() const { return last_host_id_; }
  void reset_last_host_id(std::optional<std::int64_t> id) { last_host_id_ = id; }
  std::uint64_t hosts() const { return hosts_; }

 private:
  void write_with_extra_columns(const qualys::DetectionHost& host);

  output::CsvWriter& vm_;
  std::vector<config::Column> extra_;
  std::optional<std::int64_t> last_host_id_;
  std::uint64_t hosts_ = 0;
  std::vector<std::int64_t> seen_;  // the current host's QIDs, reused between hosts
};

}  // namespace qi::jobs
