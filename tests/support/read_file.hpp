// The whole content of a file as bytes, for tests that compare what a writer, a job or the
// simulator left on disk (or a fixture) with what they expect.
#pragma once

#include <filesystem>
#include <string>

namespace qi::testing {

// Throws std::runtime_error naming the path when the file cannot be opened, so a missing file
// fails the test with its name instead of comparing as empty.
std::string read_file(const std::filesystem::path& path);

}  // namespace qi::testing
