#include "output/csv_lines.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <string>

#include "common/error.hpp"
#include "output/file_descriptor.hpp"

namespace qi::output {

namespace {

constexpr std::size_t kReadBlock = 1 << 20;

}  // namespace

void read_blocks(const std::filesystem::path& file,
                 const std::function<void(std::string_view piece)>& block) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw FatalError("cannot open " + file.string() + ": " + std::strerror(errno));
  FileDescriptor owner(fd);
  auto buffer = std::make_unique<char[]>(kReadBlock);
  for (;;) {
    const auto n = ::read(fd, buffer.get(), kReadBlock);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw FatalError("cannot read " + file.string() + ": " + std::strerror(errno));
    }
    if (n == 0) return;
    block(std::string_view(buffer.get(), static_cast<std::size_t>(n)));
  }
}

void for_each_line(const std::filesystem::path& file,
                   const std::function<void(std::string_view line)>& line) {
  std::string carry;  // a line cut by the end of a block
  read_blocks(file, [&](std::string_view piece) {
    while (!piece.empty()) {
      const auto newline = piece.find('\n');
      if (newline == std::string_view::npos) {
        carry.append(piece);
        return;
      }
      if (carry.empty()) {
        line(piece.substr(0, newline));
      } else {
        carry.append(piece.substr(0, newline));
        line(carry);
        carry.clear();
      }
      piece.remove_prefix(newline + 1);
    }
  });
  if (!carry.empty()) line(carry);
}

void for_each_row(const std::filesystem::path& file,
                  const std::function<void(std::string_view row)>& row) {
  bool header = true;
  for_each_line(file, [&](std::string_view line) {
    if (header) {
      header = false;
    } else {
      row(line);
    }
  });
}

std::optional<std::string_view> next_field(std::string_view& row) {
  if (row.empty()) return std::nullopt;
  if (row.front() != '"') {  // not our dialect, but read it as plain text up to the comma
    const auto comma = row.find(',');
    const auto field = row.substr(0, comma);
    row.remove_prefix(comma == std::string_view::npos ? row.size() : comma + 1);
    return field;
  }
  for (std::size_t i = 1; i < row.size(); ++i) {
    if (row[i] != '"') continue;
    if (i + 1 < row.size() && row[i + 1] == '"') {
      ++i;  // a doubled quote inside the field
      continue;
    }
    const auto field = row.substr(1, i - 1);
    row.remove_prefix(i + 1 < row.size() && row[i + 1] == ',' ? i + 2 : i + 1);
    return field;
  }
  return std::nullopt;
}

std::optional<std::int64_t> to_int(std::string_view field) {
  std::int64_t value = 0;
  const auto* end = field.data() + field.size();
  const auto [ptr, ec] = std::from_chars(field.data(), end, value);
  if (ec != std::errc{} || ptr != end || field.empty()) return std::nullopt;
  return value;
}

}  // namespace qi::output
