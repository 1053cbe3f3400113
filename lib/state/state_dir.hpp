// state.dir, the daemon's private folder, and everything in it: this is the one place that knows
// its layout. The daemon creates the directory (and missing parents, mode 0750) on first use.
//
//   state.json        what each job did last and when it runs next (state_file.hpp)
//   <job>.lock        held while a job runs, one per job (job_lock.hpp)
//   manifest.lock     held for each read-modify-write of manifest.json
//   asset-host-ids    every hostId the last assets publication named, for the reference checks
//   kb-window-rows    QIDs per KB window of the last full kb publication, to notice a window
//                     that suddenly comes back empty
//   base/             the incremental bases (jobs/incremental_base.hpp)
//   insight-import.json  the set the insight job last imported into Assets (insight_record.hpp)
//
// The two records after a publication are written atomically (temp file, fsync, rename), mode
// 0600; whoever writes one after publishing forgets it when the write fails, so that no record
// describes an older publication as the current one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qi::state {

// The name of manifest.json's lock (JobLock::wait_for).
inline constexpr std::string_view kManifestLock = "manifest";

class StateDir {
 public:
  // The record names, as logs and "not saved" messages call them.
  static constexpr std::string_view kAssetHostIds = "asset-host-ids";
  static constexpr std::string_view kKbWindowRows = "kb-window-rows";
  static constexpr std::string_view kInsightMappingDigest = "insight-mapping-digest";  // Cloud

  explicit StateDir(std::filesystem::path dir) : dir_(std::move(dir)) {}

  const std::filesystem::path& path() const { return dir_; }
  std::filesystem::path state_file() const { return dir_ / "state.json"; }
  // <name>.lock: a job's name, or kManifestLock.
  std::filesystem::path lock_file(std::string_view name) const;
  // Where the incremental bases live; jobs/incremental_base.hpp lays out its inside.
  std::filesystem::path bases() const { return dir_ / "base"; }
  std::filesystem::path insight_record() const { return dir_ / "insight-import.json"; }

  // The hostIds of the last assets publication, sorted; nullopt when there is no record.
  std::optional<std::vector<std::int64_t>> read_asset_host_ids() const;
  // Sorts and de-duplicates `ids`. Throws qi::FatalError.
  void save_asset_host_ids(std::vector<std::int64_t> ids) const;
  void forget_asset_host_ids() const noexcept;

  // QIDs per window ("1-50000" -> 49876) of the last full kb publication; empty without one.
  std::map<std::string, std::uint64_t> read_kb_window_rows() const;
  // In window order. Throws qi::FatalError.
  void save_kb_window_rows(const std::vector<std::pair<std::string, std::uint64_t>>& rows) const;
  void forget_kb_window_rows() const noexcept;

 private:
  std::filesystem::path dir_;
};

// Why the daemon could not work in `dir`: it exists but is no directory, we cannot create files
// in it (or, when it does not exist yet, in its nearest existing parent, where the daemon would
// create it), or a job lock file in it is not writable (left by a `run` as root). Probes by
// creating and removing a temp file; leaves nothing behind. nullopt when it is usable.
std::optional<std::string> state_dir_problem(const std::filesystem::path& dir);

}  // namespace qi::state
