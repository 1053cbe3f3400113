// Cross-file consistency of the published files: detections whose QID is missing from
// vulnkb.csv, and detection hosts that no CSAM asset names as its hostId (asset host IDs are kept
// in state.dir by the assets job, state/state_dir.hpp). The IDs the checks need are collected as
// the rows are written (taps on the publication's writers) where the run wrote the file, and
// read from the published file where it did not.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "output/content_tap.hpp"
#include "output/manifest.hpp"
#include "output/publication.hpp"

namespace qi::jobs {

// What the checks need from vm.csv: the host of each run of rows (vm.csv is in host-ID order, so
// one per host) and every distinct QID in the order of its first row. Bounded memory: at full
// scale (100 000 hosts, 160 000 QIDs) about 4 MB.
class VmReferenceIds final : public output::RowTap {
 public:
  void row(std::string_view row) override;

  // The hosts not in `asset_hosts` (sorted), counted per run of rows.
  output::ReferenceCheck hosts_missing_from(const std::vector<std::int64_t>& asset_hosts) const;
  // The distinct QIDs not in `kb_qids` (sorted), in the order of their first row.
  output::ReferenceCheck qids_missing_from(const std::vector<std::int64_t>& kb_qids) const;

 private:
  void clear() override;
  bool first_sight_of_qid(std::int64_t qid);

  std::vector<std::int64_t> host_runs_;
  std::optional<std::int64_t> last_host_;
  std::vector<std::int64_t> qids_;       // distinct, in the order of their first row
  std::vector<std::int64_t> qid_slots_;  // an open-addressing set of qids_, at most half full
  bool seen_empty_marker_ = false;       // the one ID the slots cannot hold
};

// The QIDs of vulnkb.csv (its first column).
class VulnKbQids final : public output::RowTap {
 public:
  void row(std::string_view row) override;
  std::vector<std::int64_t> sorted() const;

 private:
  void clear() override { qids_.clear(); }
  std::vector<std::int64_t> qids_;
};

// Called once on a job's publication before anything is written: taps that let publish_checked
// describe the files without reading them back (the SHA-256 of each, the IDs of vm.csv and
// vulnkb.csv).
void tap_for_publishing(output::Publication& publication);

// The checks over the files in `output_dir`; those whose inputs are missing are left out. The IDs
// of files `published` wrote with taps come from the taps, the others are read from the files.
std::map<std::string, output::ReferenceCheck> check_references(
    const std::filesystem::path& output_dir, const std::filesystem::path& state_dir,
    const output::Publication* published = nullptr);

}  // namespace qi::jobs
