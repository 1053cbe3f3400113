// Whether state.dir can serve the daemon, asked by `check` before a run would fail on it: the
// daemon creates the directory (and missing parents) on first use, then writes state.json, the
// job locks and the incremental bases in it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace qi::state {

// Why the daemon could not work in `dir`: it exists but is no directory, we cannot create files
// in it (or, when it does not exist yet, in its nearest existing parent, where the daemon would
// create it), or a job lock file in it is not writable (left by a `run` as root). Probes by
// creating and removing a temp file; leaves nothing behind. nullopt when it is usable.
std::optional<std::string> state_dir_problem(const std::filesystem::path& dir);

}  // namespace qi::state
