// Reading our own published CSVs back (reference checks, row counts, digests) without a
// std::string per line or per field: the dialect has one row per "\n" (fields never hold CR or
// LF) and quotes every field, doubling quotes inside.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>

namespace qi::output {

// Calls `block` with successive pieces of the file. Throws qi::FatalError when it cannot be read.
void read_blocks(const std::filesystem::path& file,
                 const std::function<void(std::string_view piece)>& block);

// Calls `line` with every line of the file, without its "\n"; a last line without "\n" counts
// too. Throws qi::FatalError when the file cannot be read.
void for_each_line(const std::filesystem::path& file,
                   const std::function<void(std::string_view line)>& line);

// for_each_line, without the header line.
void for_each_row(const std::filesystem::path& file,
                  const std::function<void(std::string_view row)>& row);

// Takes the next field off the front of `row` (and the comma after it) and returns it as it is
// written between its quotes (doubled quotes left doubled); nullopt when `row` is used up or the
// field is not closed.
std::optional<std::string_view> next_field(std::string_view& row);

// The field as an integer, when it is one and nothing else.
std::optional<std::int64_t> to_int(std::string_view field);

}  // namespace qi::output
