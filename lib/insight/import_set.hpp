// Forming the import set (importer.hpp) from manifest.json and checking it against the files on
// disk. The insight job (jobs/insight_job.hpp) checks a set before it hands it to the importer
// and after, so that an import never mixes two publications.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "insight/importer.hpp"
#include "output/manifest.hpp"

namespace qi::insight {

// The published files an import takes, in the order Assets needs them: hosts and QIDs before
// the detections that reference them.
inline constexpr std::array<std::string_view, 4> kImportFiles = {"assets.csv", "vulnkb.csv",
                                                                 "cve.csv", "vm.csv"};

// The digest of the files' names and SHA-256 (lower-case hex): equal sets, equal IDs.
std::string import_set_id(const std::vector<ImportFile>& files);

// One file of a set as it is on disk: its identity when it was last checked, so that the check
// after the import hashes nothing unless the file changed.
struct CheckedFile {
  std::string name;
  output::FileIdentity identity;
};

// A set whose every file is what manifest.json says, with the identities that proved it.
struct CheckedSet {
  ImportSet set;
  std::vector<CheckedFile> checked;
};

// What a check found: a set, or why the files on disk are not one publication.
struct SetCheck {
  std::optional<CheckedSet> set;
  std::string mismatch;            // empty when `set` holds
  bool nothing_published = false;  // manifest.json names none of the files: nothing to import
};

// The set that manifest.json in `dir` describes, each file checked against its entry. A file
// whose inode, size, mtime and ctime are those the entry recorded is not read: a publication
// renames a new inode into place and the rename sets its ctime, so the entry's SHA-256 is that
// file's (jobs/manifest_repair.hpp relies on the same). Any other file is hashed. A file the
// manifest names that differs from its entry, or is gone, gives a mismatch (a publication under
// way, or one that was interrupted before its manifest was written). Files without an entry are
// not part of the set. Throws qi::FatalError when a file cannot be read.
SetCheck check_published_set(const std::filesystem::path& dir);

// Whether the files of `set` in `dir` are still the ones checked: empty when they are, else
// which is not (hashed only when its identity changed).
std::string recheck_set(const std::filesystem::path& dir, const CheckedSet& set);

}  // namespace qi::insight
