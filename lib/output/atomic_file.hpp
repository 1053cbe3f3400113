// Replacing a small file atomically: the manifest, the daemon's state file and the records it
// keeps beside it. Readers see the old or the new contents, never a mix.
#pragma once

#include <filesystem>
#include <string_view>

namespace qi::output {

// Writes `contents` to a dot-temp file beside `target` (named like the CSV temp files, so a
// crash leaves nothing the start-up sweep would miss), fsyncs it, renames it over `target` and
// fsyncs the directory. The file gets mode 0644. Throws qi::FatalError; the temp file is removed.
void replace_file_atomically(const std::filesystem::path& target, std::string_view contents);

}  // namespace qi::output
