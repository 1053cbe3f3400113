// The CSV dialect of the output contract (docs/design.md "Outputs") and a buffered writer for it.
// Every field is double-quoted, '"' doubled, rows end in "\n", and each line break inside a value
// (CRLF, lone CR, lone LF) becomes one space; all else is verbatim (no trimming, no formula
// escaping). This is the hot path of every job (millions of rows), so fields are appended in runs
// between special characters and rows go to the file through one 256 KiB buffer.
#pragma once

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "output/content_tap.hpp"
#include "output/file_descriptor.hpp"

namespace qi::output {

struct CsvDialect {
  // For JVM CSV readers that treat '\' as an escape (OpenCSV defaults would turn CORP\jdoe into
  // CORPjdoe): every '\' is written twice. Off by default (RFC 4180).
  bool double_backslashes = false;
};

// Appends `value` as one quoted field (no delimiter) to `out`.
void append_csv_field(std::string& out, std::string_view value, const CsvDialect& dialect);

// Writes rows to a file it owns. Not thread-safe; owned by one job (usually via Publication).
// Data reaches the file on flush(), when the buffer fills, or on sync(); the destructor only
// closes the descriptor (unflushed rows are dropped: a job that did not finish publishes nothing).
// Write errors throw qi::FatalError naming the file and the system's reason.
class CsvWriter {
 public:
  struct Mark {
    std::uint64_t bytes;
    std::uint64_t rows;
  };

  static constexpr std::size_t kBufferBytes = 256 * 1024;

  // Takes ownership of an open, writable, seekable descriptor positioned at its end (usually 0).
  // `path` names the file in error messages.
  CsvWriter(FileDescriptor fd, std::filesystem::path path, CsvDialect dialect = {});
  // Creates or truncates `path` (mode 0644).
  static CsvWriter create(const std::filesystem::path& path, CsvDialect dialect = {});
  // A writer of an unnamed temp file in `dir` (output/file_copy.hpp): a segment of a file that is
  // written out of order and appended to the real writer later with append_segment().
  static CsvWriter create_segment(const std::filesystem::path& dir, CsvDialect dialect = {});

  CsvWriter(CsvWriter&&) noexcept = default;
  CsvWriter& operator=(CsvWriter&&) noexcept = default;
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;
  ~CsvWriter() = default;

  // The header row: written like a row but not counted in rows().
  void write_header(std::initializer_list<std::string_view> names);
  void write_header(std::span<const std::string_view> names);
  void write_row(std::initializer_list<std::string_view> fields);
  void write_row(std::span<const std::string_view> fields);
  // A row already in our dialect (read back from a file we wrote), ending in "\n".
  void write_encoded_row(std::string_view row);

  std::uint64_t rows() const { return rows_; }    // data rows, header excluded
  std::uint64_t bytes() const { return bytes_; }  // everything written, buffered or not

  // A point to come back to: rollback(mark) discards every row written after it (used to retry
  // one page after a mid-body failure without buffering the page).
  Mark mark() const { return {bytes_, rows_}; }
  void rollback(const Mark& mark);

  // Appends everything `segment` holds (its rows count as ours) after our current end, leaving
  // `segment` as it is. Both must use the same dialect. With taps, the segment is read once to
  // show them its bytes.
  void append_segment(CsvWriter& segment);

  // From now on `tap` sees every byte that reaches the file (content_tap.hpp); it must outlive
  // the writer's use. Only before anything reached the file (std::logic_error otherwise). A
  // rollback behind what the taps saw restarts them and reads the file's kept part again, so the
  // descriptor must then be readable.
  void add_tap(ContentTap& tap);

  void flush();  // buffer -> file
  void sync();   // flush + fsync

  const std::filesystem::path& path() const { return path_; }
  int fd() const { return fd_.get(); }
  const CsvDialect& dialect() const { return dialect_; }

 private:
  void append_row(const std::string_view* fields, std::size_t count);
  void after_append();
  void feed_taps(int fd, std::uint64_t length);
  [[noreturn]] void fail(const char* what, int err) const;

  FileDescriptor fd_;
  std::filesystem::path path_;
  CsvDialect dialect_;
  std::string buffer_;
  std::uint64_t flushed_ = 0;  // bytes already in the file
  std::uint64_t bytes_ = 0;
  std::uint64_t rows_ = 0;
  std::vector<ContentTap*> taps_;
};

}  // namespace qi::output
