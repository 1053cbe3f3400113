// output/manifest.json: what the output directory holds, for humans and for tools that import
// the CSVs. Per file: rows, bytes, SHA-256, the run that published it and when. Replaced
// atomically after each publication, and always after the CSVs it describes, so a reader that
// finds a manifest finds those files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace qi::output {

struct ManifestFile {
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
  std::string sha256;  // lower-case hex
  std::string job;
  std::string run_id;
  std::string published_at;  // ISO-8601 UTC
};

// A cross-file consistency finding, e.g. detections whose QID is missing from vulnkb.csv.
struct ReferenceCheck {
  std::uint64_t count = 0;
  std::vector<std::string> first;  // the first few offending IDs
};

struct Manifest {
  std::map<std::string, ManifestFile> files;        // by file name
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

// Data rows of a published CSV (lines after the header; our files never hold a raw line break
// inside a value). 0 for a missing file.
std::uint64_t count_csv_rows(const std::filesystem::path& file);

}  // namespace qi::output
