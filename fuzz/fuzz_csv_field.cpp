// Fuzz target: the CSV escaping of the output contract (qi::output::append_csv_field), in both
// dialects. Checks what Jira Insight's importer relies on: the field is quoted, every '"' inside
// is doubled, no CR or LF reaches the file (a line break inside a value would split the row), in
// the backslash dialect every '\' is doubled, and decoding gives back the value with each line
// break (CRLF, lone CR, lone LF) turned into one space.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_input.hpp"
#include "output/csv_writer.hpp"

namespace {

[[noreturn]] void violated(const char* what, bool backslashes) {
  std::fprintf(stderr, "invariant violated (double_backslashes=%d): %s\n", backslashes ? 1 : 0,
               what);
  std::abort();
}

std::string with_line_breaks_as_spaces(std::string_view value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\r') {
      out += ' ';
      if (i + 1 < value.size() && value[i + 1] == '\n') ++i;
    } else if (value[i] == '\n') {
      out += ' ';
    } else {
      out += value[i];
    }
  }
  return out;
}

void check(std::string_view value, bool backslashes) {
  const std::string prefix = "x,";  // appends, never overwrites what the row already holds
  std::string out = prefix;
  qi::output::append_csv_field(out, value, qi::output::CsvDialect{backslashes});
  if (out.compare(0, prefix.size(), prefix) != 0) violated("row prefix changed", backslashes);
  const std::string_view field = std::string_view(out).substr(prefix.size());
  if (field.size() < 2 || field.front() != '"' || field.back() != '"') {
    violated("field is not quoted", backslashes);
  }
  if (field.find_first_of("\r\n") != std::string_view::npos) {
    violated("line break in the output", backslashes);
  }
  const std::string_view inner = field.substr(1, field.size() - 2);
  std::string decoded;
  for (std::size_t i = 0; i < inner.size(); ++i) {
    const char c = inner[i];
    if (c == '"' || (backslashes && c == '\\')) {
      if (i + 1 >= inner.size() || inner[i + 1] != c)
        violated("lone quote or backslash", backslashes);
      ++i;
    }
    decoded += c;
  }
  if (decoded != with_line_breaks_as_spaces(value)) violated("decoding differs", backslashes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view value = qi::fuzz::as_text(data, size);
  check(value, false);
  check(value, true);
  return 0;
}
