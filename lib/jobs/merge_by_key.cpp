#include "jobs/merge_by_key.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "output/file_descriptor.hpp"

namespace qi::jobs {

void IdSet::add(std::int64_t first, std::int64_t last) {
  if (first > last) return;
  if (!ranges_.empty() && first <= ranges_.back().second + 1) {
    auto& back = ranges_.back();
    if (last > back.second) {
      size_ += static_cast<std::uint64_t>(last - std::max(first, back.second + 1) + 1);
      back.second = last;
    }
    return;
  }
  ranges_.emplace_back(first, last);
  size_ += static_cast<std::uint64_t>(last - first + 1);
}

bool IdSet::contains(std::int64_t id) const {
  auto it =
      std::upper_bound(ranges_.begin(), ranges_.end(), id,
                       [](std::int64_t value, const auto& range) { return value < range.first; });
  return it != ranges_.begin() && id <= std::prev(it)->second;
}

std::optional<std::int64_t> leading_id(std::string_view row) {
  if (row.size() < 3 || row[0] != '"') return std::nullopt;
  const auto close = row.find('"', 1);
  if (close == std::string_view::npos || close == 1) return std::nullopt;
  std::int64_t id = 0;
  const auto* begin = row.data() + 1;
  const auto* end = row.data() + close;
  const auto [ptr, ec] = std::from_chars(begin, end, id);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return id;
}

namespace {

// Reads a file of ours line by line ("\n" ends every row) through one buffer.
class LineReader {
 public:
  LineReader(int fd, std::uint64_t length, std::string name)
      : fd_(fd), length_(length), name_(std::move(name)) {}

  // The next line including its "\n", valid until the next call; nullopt at the end.
  std::optional<std::string_view> next() {
    for (;;) {
      const auto newline = buffer_.find('\n', start_);
      if (newline != std::string::npos) {
        std::string_view line(buffer_.data() + start_, newline + 1 - start_);
        start_ = newline + 1;
        return line;
      }
      if (offset_ >= length_) {
        if (start_ < buffer_.size()) {
          throw FatalError(name_ + " ends in the middle of a row (damaged)");
        }
        return std::nullopt;
      }
      buffer_.erase(0, start_);
      start_ = 0;
      const std::size_t keep = buffer_.size();
      const auto want =
          static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, length_ - offset_));
      buffer_.resize(keep + want);
      ssize_t n;
      do {
        n = ::pread(fd_, buffer_.data() + keep, want, static_cast<off_t>(offset_));
      } while (n < 0 && errno == EINTR);
      if (n <= 0) {
        throw FatalError("cannot read " + name_ + ": " +
                         (n == 0 ? std::string("unexpected end of file") : std::strerror(errno)));
      }
      buffer_.resize(keep + static_cast<std::size_t>(n));
      offset_ += static_cast<std::uint64_t>(n);
    }
  }

 private:
  static constexpr std::size_t kChunk = 1 << 20;
  int fd_;
  std::uint64_t length_;
  std::string name_;
  std::string buffer_;
  std::size_t start_ = 0;
  std::uint64_t offset_ = 0;
};

// A row and its ID, with the check that IDs never go down.
struct Cursor {
  LineReader& reader;
  const std::string& name;
  std::optional<std::string_view> row;
  std::int64_t id = 0;

  void advance() {
    row = reader.next();
    if (!row) return;
    const auto next_id = leading_id(*row);
    if (!next_id) throw FatalError(name + ": a row without an ID in its first column (damaged)");
    if (*next_id < id) {
      throw FatalError(name + ": rows not in ascending ID order (" + std::to_string(*next_id) +
                       " after " + std::to_string(id) + ")");
    }
    id = *next_id;
  }
};

}  // namespace

void merge_by_key(const MergeSource& source, const IdSet& replaced, output::CsvWriter& out,
                  const std::function<void(std::string_view row)>& on_row, const IdSet* present) {
  output::FileDescriptor base_fd(::open(source.base.c_str(), O_RDONLY | O_CLOEXEC));
  if (!base_fd.valid()) {
    throw FatalError("cannot open " + source.base.string() + ": " + std::strerror(errno));
  }
  const off_t base_length = ::lseek(base_fd.get(), 0, SEEK_END);
  if (base_length < 0) {
    throw FatalError("cannot read " + source.base.string() + ": " + std::strerror(errno));
  }
  source.delta->flush();
  const std::string base_name = source.base.string();
  const std::string delta_name = "the incremental rows for " + out.path().filename().string();
  LineReader base_reader(base_fd.get(), static_cast<std::uint64_t>(base_length), base_name);
  LineReader delta_reader(source.delta->fd(), source.delta->bytes(), delta_name);
  if (!base_reader.next()) throw FatalError(base_name + " is empty (not even a header)");

  Cursor base{base_reader, base_name, std::nullopt, INT64_MIN};
  Cursor delta{delta_reader, delta_name, std::nullopt, INT64_MIN};
  base.advance();
  delta.advance();
  auto emit = [&](Cursor& cursor) {
    out.write_encoded_row(*cursor.row);
    if (on_row) on_row(*cursor.row);
    cursor.advance();
  };
  while (base.row || delta.row) {
    const bool dropped =
        base.row && (replaced.contains(base.id) || (present && !present->contains(base.id)));
    // Same ID: the delta's rows replace the base's.
    const bool replaced_by_delta = base.row && delta.row && base.id == delta.id;
    if (dropped || replaced_by_delta) {
      base.advance();
    } else if (!delta.row || (base.row && base.id < delta.id)) {
      emit(base);
    } else {
      emit(delta);
    }
  }
}

}  // namespace qi::jobs
