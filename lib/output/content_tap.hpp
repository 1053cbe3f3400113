// What a CsvWriter's file holds, learnt on the way out instead of by reading the file back: a tap
// sees every byte the writer puts in its file, in file order (its own rows as they are flushed,
// an appended segment's bytes as they are appended). The publish step takes the SHA-256 of every
// published file and the IDs of the reference checks from taps (8 GB of vm.csv are not read
// again after writing them).
#pragma once

#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace qi::output {

class ContentTap {
 public:
  virtual ~ContentTap() = default;
  // The next bytes of the file.
  virtual void consume(std::string_view bytes) = 0;
  // A rollback cut into bytes already consumed: forget everything; the file is fed again from
  // its first byte.
  virtual void restart() = 0;
};

// SHA-256 of everything consumed.
class Sha256 final : public ContentTap {
 public:
  Sha256();  // throws qi::FatalError when the library cannot start one
  void consume(std::string_view bytes) override;
  void restart() override;
  // Lower-case hex of what was consumed so far (more may follow).
  std::string hex() const;

 private:
  struct Free {
    void operator()(evp_md_ctx_st* context) const noexcept;
  };
  std::unique_ptr<evp_md_ctx_st, Free> context_;
};

// Splits what it consumes into rows of our dialect (one per "\n") and hands each data row (the
// header, the file's first line, excluded) to row(), without its "\n". A file read back can be
// handed to the same row() by for_each_row (csv_lines.hpp).
class RowTap : public ContentTap {
 public:
  void consume(std::string_view bytes) override;
  void restart() override;
  virtual void row(std::string_view row) = 0;

 protected:
  // What restart() must forget besides the split position.
  virtual void clear() = 0;

 private:
  std::string carry_;  // a row cut by the end of a piece
  bool in_header_ = true;
};

}  // namespace qi::output
