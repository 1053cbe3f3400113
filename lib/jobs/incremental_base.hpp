// Incremental pulls (the fastest request is the one not made). After a full pull, a job keeps a
// copy of what it published (the base) under <state.dir>/base/; the next runs ask Qualys only for
// what changed since the base's run started, minus a margin (jobs.<job>.incremental_margin), and
// merge it into the base by ID (merge_by_key.hpp), so every published file is still complete.
// A full pull comes back when jobs.<job>.full_refresh has passed since the last one (default
// weekly: it is what drops purged hosts and deleted assets), when the settings that shape the
// output changed, when the base is missing or damaged, or on `run --full`.
//
// Layout: <state.dir>/base/<job>.meta names a directory <state.dir>/base/<job>-<run id>/ holding
// the files. A new base is written to a new directory and the meta file replaced atomically
// after it, so a crash leaves the old base or the new one, never a mix.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "jobs/job.hpp"
#include "jobs/merge_by_key.hpp"
#include "output/csv_writer.hpp"

namespace qi::jobs {

struct IncrementalPlan {
  bool incremental = false;
  std::string reason;         // why a full pull, or what the incremental pull asks for
  std::string changed_after;  // "YYYY-MM-DDTHH:MM:SSZ": base run start minus the margin
};

class IncrementalBase {
 public:
  using Time = std::chrono::system_clock::time_point;

  IncrementalBase(const config::Config& config, JobKind kind);

  // Whether this run (started at `now`) may be incremental.
  IncrementalPlan plan(Time now, bool full_requested) const;

  // One line for `qualys-insightd status`: where the base stands and when the next full pull is.
  std::string describe() const;

  // The base copy of `name` (only meaningful after plan() said incremental).
  std::filesystem::path file(std::string_view name) const;

  // A file of the new base: a published file (`path`) or one only the base keeps (`writer`).
  struct Source {
    std::string name;
    std::filesystem::path path;
    output::CsvWriter* writer = nullptr;
  };

  // After a successful publication: `files` become the new base, recorded as started at
  // `run_started`; `full` says whether this run was a full pull. When the base cannot be saved
  // (a full state.dir), the half-written directory is removed, the base dropped (the next run is
  // full) and qi::FatalError thrown, for publish_step's save_after_publishing.
  void save(const std::vector<Source>& files, Time run_started, bool full,
            const std::string& run_id) const;

  // Forgets the base (the next run is full), e.g. after finding it damaged.
  void drop() const noexcept;

  // At start, while no run of the job can be writing one (the caller holds the job's lock):
  // removes the job's base directories the meta file does not name, i.e. what a killed run left
  // half-written or did not get to remove. Returns how many it removed.
  std::size_t sweep_unnamed() const noexcept;

 private:
  struct Meta {
    std::string dir;
    Time run_started;
    Time last_full;
    std::string fingerprint;
  };
  std::optional<Meta> read_meta() const;
  void save_or_throw(const std::vector<Source>& files, Time run_started, bool full,
                     const std::string& run_id) const;

  config::JobSchedule schedule_;
  std::string job_;
  std::filesystem::path base_root_;
  std::string fingerprint_;
  std::optional<Meta> meta_;
};

// One file of an incremental run: the changed rows (a segment) merged with the base copy of
// `name` into `out`, the publication's writer (header already written).
struct MergeTarget {
  std::string_view name;
  output::CsvWriter* changed;
  output::CsvWriter* out;
  std::function<void(std::string_view row)> on_row = {};
};

// Merges every target; the base rows of the IDs in `replaced` (and of every ID in the changed
// rows), and when `present` is given of every ID not in it, give way. A damaged base is dropped
// (the next run is full) and the error rethrown.
void merge_into(const IncrementalBase& base, const std::vector<MergeTarget>& targets,
                const IdSet& replaced, const IdSet* present = nullptr);

// At start: for each job that no process is running (its lock is free), removes the base
// directories its meta file does not name (IncrementalBase::sweep_unnamed). Returns how many.
std::size_t sweep_unnamed_bases(const config::Config& config) noexcept;

}  // namespace qi::jobs
