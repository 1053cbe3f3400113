#include "output/csv_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "common/error.hpp"
#include "output/file_copy.hpp"

namespace qi::output {
namespace {

// Bytes that end a verbatim run: '"', CR, LF and (only in the double-backslash dialect) '\'.
struct SpecialTable {
  std::array<bool, 256> plain{};
  std::array<bool, 256> backslashes{};
  constexpr SpecialTable() {
    for (unsigned char c : {'"', '\r', '\n'}) {
      plain[c] = true;
      backslashes[c] = true;
    }
    backslashes[static_cast<unsigned char>('\\')] = true;
  }
};
constexpr SpecialTable kSpecial;

}  // namespace

void append_csv_field(std::string& out, std::string_view value, const CsvDialect& dialect) {
  const std::array<bool, 256>& special =
      dialect.double_backslashes ? kSpecial.backslashes : kSpecial.plain;
  out += '"';
  const char* p = value.data();
  const char* const end = p + value.size();
  while (p < end) {
    const char* run = p;
    while (p < end && !special[static_cast<unsigned char>(*p)]) ++p;
    out.append(run, static_cast<std::size_t>(p - run));
    if (p == end) break;
    switch (*p) {
      case '"':
        out += "\"\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\r':
        out += ' ';
        if (p + 1 < end && p[1] == '\n') ++p;  // CRLF is one line break
        break;
      default:  // '\n'
        out += ' ';
        break;
    }
    ++p;
  }
  out += '"';
}

CsvWriter::CsvWriter(FileDescriptor fd, std::filesystem::path path, CsvDialect dialect)
    : fd_(std::move(fd)), path_(std::move(path)), dialect_(dialect) {
  buffer_.reserve(kBufferBytes + 4096);
}

CsvWriter CsvWriter::create(const std::filesystem::path& path, CsvDialect dialect) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    int err = errno;
    throw FatalError("cannot create " + path.string() + ": " + std::strerror(err));
  }
  return CsvWriter(FileDescriptor(fd), path, dialect);
}

CsvWriter CsvWriter::create_segment(const std::filesystem::path& dir, CsvDialect dialect) {
  return CsvWriter(FileDescriptor(open_unnamed_temp_file(dir)), dir / "(segment)", dialect);
}

void CsvWriter::add_tap(ContentTap& tap) {
  if (flushed_ != 0) throw std::logic_error("CsvWriter::add_tap after bytes reached the file");
  taps_.push_back(&tap);
}

void CsvWriter::feed_taps(int fd, std::uint64_t length) {
  if (taps_.empty()) return;
  read_file_range(fd, length, path_, [&](std::string_view piece) {
    for (ContentTap* tap : taps_) tap->consume(piece);
  });
}

void CsvWriter::append_segment(CsvWriter& segment) {
  segment.flush();
  flush();
  feed_taps(segment.fd(), segment.bytes());
  append_file_contents(segment.fd(), segment.bytes(), fd_.get(), path_);
  bytes_ += segment.bytes();
  flushed_ += segment.bytes();
  rows_ += segment.rows();
}

void CsvWriter::write_header(std::initializer_list<std::string_view> names) {
  append_row(names.begin(), names.size());
}

void CsvWriter::write_header(std::span<const std::string_view> names) {
  append_row(names.data(), names.size());
}

void CsvWriter::write_row(std::initializer_list<std::string_view> fields) {
  append_row(fields.begin(), fields.size());
  ++rows_;
}

void CsvWriter::write_row(std::span<const std::string_view> fields) {
  append_row(fields.data(), fields.size());
  ++rows_;
}

void CsvWriter::write_encoded_row(std::string_view row) {
  buffer_.append(row);
  bytes_ += row.size();
  ++rows_;
  after_append();
}

void CsvWriter::append_row(const std::string_view* fields, std::size_t count) {
  const std::size_t before = buffer_.size();
  for (std::size_t i = 0; i < count; ++i) {
    if (i != 0) buffer_ += ',';
    append_csv_field(buffer_, fields[i], dialect_);
  }
  buffer_ += '\n';
  bytes_ += buffer_.size() - before;
  after_append();
}

void CsvWriter::after_append() {
  if (buffer_.size() >= kBufferBytes) flush();
}

void CsvWriter::flush() {
  for (ContentTap* tap : taps_) tap->consume(buffer_);
  const char* p = buffer_.data();
  std::size_t left = buffer_.size();
  while (left > 0) {
    ssize_t n = ::write(fd_.get(), p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("writing", errno);
    }
    if (n == 0) fail("writing", EIO);
    p += n;
    left -= static_cast<std::size_t>(n);
    flushed_ += static_cast<std::uint64_t>(n);
  }
  buffer_.clear();
}

void CsvWriter::sync() {
  flush();
  while (::fsync(fd_.get()) != 0) {
    if (errno != EINTR) fail("syncing", errno);
  }
}

void CsvWriter::rollback(const Mark& mark) {
  if (mark.bytes > bytes_ || mark.rows > rows_) {
    throw std::logic_error("CsvWriter::rollback to a mark after the current position");
  }
  if (mark.bytes >= flushed_) {
    buffer_.resize(static_cast<std::size_t>(mark.bytes - flushed_));
  } else {
    // Part of what we discard already reached the file: cut it off and write on from the mark.
    buffer_.clear();
    while (::ftruncate(fd_.get(), static_cast<off_t>(mark.bytes)) != 0) {
      if (errno != EINTR) fail("truncating", errno);
    }
    if (::lseek(fd_.get(), static_cast<off_t>(mark.bytes), SEEK_SET) < 0) fail("seeking", errno);
    flushed_ = mark.bytes;
    for (ContentTap* tap : taps_) tap->restart();
    feed_taps(fd_.get(), mark.bytes);
  }
  bytes_ = mark.bytes;
  rows_ = mark.rows;
}

void CsvWriter::fail(const char* what, int err) const {
  if (err == ENOSPC || err == EDQUOT) {
    throw FatalError("disk full " + std::string(what) + " " + path_.string() + ": " +
                     std::strerror(err));
  }
  throw FatalError(std::string(what) + " " + path_.string() + " failed: " + std::strerror(err));
}

}  // namespace qi::output
