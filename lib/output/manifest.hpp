// output/manifest.json: what the output directory holds, for humans and for tools that import
// the CSVs. Per file: rows, bytes, SHA-256, the run that published it and when. Replaced
// atomically after each publication, and always after the CSVs it describes, so a reader that
// finds a manifest finds those files. A run killed between the two leaves an entry behind its
// file; every start rebuilds such entries from the files (jobs/manifest_repair.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qi::output {

// What tells one version of a published file from the next without reading it: a publication
// renames a new inode into place and the rename sets that inode's ctime, which no tool can set
// back (mtime can be: cp -p, rsync -t, touch). Inode numbers are reused, so size and both times
// go with it. All zero: not known (a manifest of an older version).
struct FileIdentity {
  std::uint64_t inode = 0;
  std::uint64_t bytes = 0;
  std::uint64_t mtime_ns = 0;
  std::uint64_t ctime_ns = 0;
  bool known() const { return inode != 0; }
  bool operator==(const FileIdentity&) const = default;
};

struct ManifestFile {
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
  std::string sha256;  // lower-case hex
  std::string job;
  std::string run_id;
  std::string published_at;  // ISO-8601 UTC
  FileIdentity identity;     // the file as it was when the entry was written
};

// What a job reports of each file it published (state.json, `status`); the manifest adds the
// digest and who published it.
struct PublishedFile {
  std::string name;
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
};

// A cross-file consistency finding, e.g. detections whose QID is missing from vulnkb.csv. Kept in
// manifest.json and state.json.
struct ReferenceCheck {
  std::uint64_t count = 0;
  std::vector<std::string> first;  // the first few offending IDs
  bool operator==(const ReferenceCheck&) const = default;
};

struct Manifest {
  std::map<std::string, ManifestFile> files;         // by file name
  std::map<std::string, ReferenceCheck> references;  // by check name
};

inline constexpr std::string_view kManifestFile = "manifest.json";

// A missing or unreadable manifest gives an empty one (the CSVs are what matter).
Manifest read_manifest(const std::filesystem::path& dir);

// Atomic replace: dot-temp file in the same directory, fsync, rename, directory fsync.
// Throws qi::FatalError.
void write_manifest(const std::filesystem::path& dir, const Manifest& manifest);

// SHA-256 of a file's contents, lower-case hex. Throws qi::FatalError.
std::string sha256_of_file(const std::filesystem::path& file);

// The identity of the file at `file` now; nullopt when there is none. Throws qi::FatalError
// on other errors.
std::optional<FileIdentity> identity_of(const std::filesystem::path& file);

// Rows, bytes, SHA-256 and identity of a published CSV, read once (the identity is that of the
// inode read, also if the file is replaced meanwhile). Throws qi::FatalError.
ManifestFile measure_file(const std::filesystem::path& file);

// Data rows of a published CSV (lines after the header; our files never hold a raw line break
// inside a value). 0 for a missing file.
std::uint64_t count_csv_rows(const std::filesystem::path& file);

}  // namespace qi::output
