// Atomic publication of one job's output files (docs/design.md "Publishing"). Each file is written
// to a dot-named temp file in the output directory; commit() syncs them all, then moves every one
// over its target, then syncs the directory. Until commit() succeeds the previous outputs stay
// byte-identical, and whatever happens (error, timeout, cancellation: the destructor runs) the
// temp files are removed. Owned by one job run.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "output/csv_writer.hpp"

namespace qi::output {

class Publication {
 public:
  // Creates ".<name>.tmp-<pid>-<random>" (O_EXCL, mode 0644) in `dir` for each name, e.g.
  // {"vulnkb.csv", "cve.csv"}. Names must be plain file names not starting with '.'.
  // Throws FatalError ("cannot create temp file in /opt/qualys/output: Permission denied").
  Publication(std::filesystem::path dir, std::vector<std::string> file_names,
              CsvDialect dialect = {});
  ~Publication();
  Publication(const Publication&) = delete;
  Publication& operator=(const Publication&) = delete;
  Publication(Publication&&) = delete;
  Publication& operator=(Publication&&) = delete;

  // The writer of one of the names given to the constructor (std::out_of_range otherwise).
  CsvWriter& writer(std::string_view file_name);

  // Whether `file_name` is one of the names given to the constructor.
  bool holds(std::string_view file_name) const;

  // Gives the writer of `file_name` a tap (CsvWriter::add_tap: before anything is written),
  // owned by the publication: what it learns describes the file without reading it back.
  void add_tap(std::string_view file_name, std::unique_ptr<ContentTap> tap);

  // The first tap of `file_name` that is a T; nullptr when there is none (or no such file).
  template <class T>
  const T* find_tap(std::string_view file_name) const {
    for (const Entry& entry : entries_) {
      if (entry.name != file_name) continue;
      for (const auto& tap : entry.taps) {
        if (const auto* found = dynamic_cast<const T*>(tap.get())) return found;
      }
    }
    return nullptr;
  }

  // Publishes every file or none: flush + fsync every temp, then move each over its target, then
  // fsync the directory. When a later move fails the earlier ones are undone (targets swapped
  // back with renameat2 RENAME_EXCHANGE where the file system has it). Throws FatalError.
  void commit();
  bool committed() const { return committed_; }

  const std::filesystem::path& dir() const { return dir_; }

 private:
  struct Entry {
    std::string name;
    std::filesystem::path temp;
    CsvWriter writer;
    std::vector<std::unique_ptr<ContentTap>> taps;
    bool temp_exists = true;
  };

  void remove_temps() noexcept;

  std::filesystem::path dir_;
  std::vector<Entry> entries_;
  bool committed_ = false;
};

// Removes ".<name>.tmp-<pid>-<random>" files left in `dir` by processes that no longer run
// (kill(pid, 0) fails with ESRCH); files of live processes and every other file are left alone.
// Our own pid's files are removed too: the sweep runs at start-up, before any job of ours writes,
// and in a container the daemon is often pid 1 on every start, so it would otherwise never clean
// up after its own crash. Returns how many it removed.
std::size_t sweep_stale_temp_files(const std::filesystem::path& dir);

// Throws FatalError when `dir` is missing, not a directory, or we cannot create files in it
// (checked by creating and removing a probe temp file).
void check_output_dir(const std::filesystem::path& dir);

// The temp file name for `name` in our process: ".<name>.tmp-<pid>-<16 hex digits>".
std::string temp_file_name(std::string_view name);

}  // namespace qi::output
