#include "insight/csv_row_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"

namespace qi::insight {

CsvRowReader::CsvRowReader(std::filesystem::path file, std::size_t max_line_bytes)
    : file_(std::move(file)), max_line_bytes_(max_line_bytes) {
  fd_ = output::FileDescriptor(::open(file_.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd_.valid()) throw FatalError("cannot open " + file_.string() + ": " + std::strerror(errno));
}

bool CsvRowReader::fill() {
  // Drop the lines already returned, so that the buffer holds one line and one block at most.
  buffer_.erase(0, begin_);
  begin_ = 0;
  const std::size_t old_size = buffer_.size();
  buffer_.resize(old_size + kReadBlock);
  for (;;) {
    const auto n = ::read(fd_.get(), buffer_.data() + old_size, kReadBlock);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      buffer_.resize(old_size);
      throw FatalError("cannot read " + file_.string() + ": " + std::strerror(errno));
    }
    buffer_.resize(old_size + static_cast<std::size_t>(n));
    return n > 0;
  }
}

std::optional<std::string_view> CsvRowReader::next_line() {
  std::size_t searched = begin_;
  for (;;) {
    const auto newline = buffer_.find('\n', searched);
    if (newline != std::string::npos) {
      std::string_view line(buffer_.data() + begin_, newline - begin_);
      begin_ = newline + 1;
      ++line_number_;
      return line;
    }
    if (buffer_.size() - begin_ > max_line_bytes_) {
      throw FatalError(file_.string() + ": line " + std::to_string(line_number_ + 1) +
                       " is longer than " + std::to_string(max_line_bytes_) +
                       " bytes, more than any row this daemon writes");
    }
    if (at_end_) break;
    const std::size_t held = buffer_.size() - begin_;
    at_end_ = !fill();
    searched = held;  // fill() moved the unfinished line to the front
  }
  if (begin_ == buffer_.size()) return std::nullopt;
  std::string_view last(buffer_.data() + begin_, buffer_.size() - begin_);
  begin_ = buffer_.size();
  ++line_number_;
  return last;
}

}  // namespace qi::insight
