// Replacing a small file atomically: the manifest, the daemon's state file and the records it
// keeps beside it. Readers see the old or the new contents, never a mix.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string_view>

namespace qi::output {

// The published files (CSVs, manifest.json) are world-readable: Insight's importer may run as
// another user. Everything under state.dir is the service's own (docs/security.md).
inline constexpr mode_t kPublishedFileMode = 0644;
inline constexpr mode_t kPrivateFileMode = 0600;
inline constexpr mode_t kPrivateDirMode = 0750;

// Writes `contents` to a dot-temp file beside `target` (named like the CSV temp files, so a
// crash leaves nothing the start-up sweep would miss), fsyncs it, renames it over `target` and
// fsyncs the directory. The file gets exactly `mode`, whatever the umask; a missing directory is
// created as by create_private_directories. Throws qi::FatalError; the temp file is removed.
void replace_file_atomically(const std::filesystem::path& target, std::string_view contents,
                             mode_t mode = kPublishedFileMode);

// Creates `dir` and its missing parents with mode 0750 exactly (chmod after mkdir: under umask
// 000 mkdir alone would give what the umask lets through of the mode asked, and an operator's
// umask 077 would lock out the group). Directories that exist keep their mode. Throws
// qi::FatalError naming the directory.
void create_private_directories(const std::filesystem::path& dir);

}  // namespace qi::output
