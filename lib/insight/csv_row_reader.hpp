// Pulls the lines of one published CSV file one at a time, for a caller that must stop between
// lines (a push sends a chunk before it reads on). output/csv_lines.hpp reads the same dialect
// but drives the caller, which cannot wait for a request in the middle. Memory is one read block
// plus the longest line, and a line past max_line_bytes is refused instead of held.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "output/file_descriptor.hpp"

namespace qi::insight {

class CsvRowReader {
 public:
  static constexpr std::size_t kReadBlock = 64 * 1024;

  // Throws qi::FatalError when the file cannot be opened.
  CsvRowReader(std::filesystem::path file, std::size_t max_line_bytes);

  // The next line without its "\n" (a last line without one counts too), valid until the next
  // call; nullopt at the end. Throws qi::FatalError on a read error or a line that is too long.
  std::optional<std::string_view> next_line();

  std::uint64_t line_number() const { return line_number_; }  // of the line last returned
  std::size_t buffer_capacity() const { return buffer_.capacity(); }
  const std::filesystem::path& file() const { return file_; }

 private:
  bool fill();  // reads one more block; false at the end of the file

  std::filesystem::path file_;
  std::size_t max_line_bytes_;
  output::FileDescriptor fd_;
  std::string buffer_;
  std::size_t begin_ = 0;  // where the next line starts in buffer_
  std::uint64_t line_number_ = 0;
  bool at_end_ = false;
};

}  // namespace qi::insight
