// A run killed between renaming its files into place and rewriting manifest.json (kill -9, power
// loss) leaves the manifest describing the previous files; each later rewrite by another job
// would carry that entry on. So every start (daemon and `run`), before any job publishes, makes
// the manifest true again from the files on disk.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"

namespace qi::jobs {

// Checks each output file against its manifest entry: when the inode, size, mtime and ctime the
// entry recorded still match, nothing is read (an 8 GB vm.csv is not hashed at every start);
// otherwise the file is hashed, and an entry whose contents differ is rebuilt from it (rows,
// bytes, SHA-256; the job that owns the file; no run ID; published_at from the file's mtime).
// Entries of files that are gone are removed, files without an entry get one, and the reference
// checks are recomputed when an entry changed. An output directory without a manifest is left
// alone (nothing in it claims anything). Logs each repair; returns the names repaired.
// Throws qi::FatalError when the manifest cannot be written.
std::vector<std::string> repair_manifest(const config::Config& config);

}  // namespace qi::jobs
