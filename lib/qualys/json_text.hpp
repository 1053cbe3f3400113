// The text of one CSAM JSON document (a search page or a count answer) as it arrives, checked
// and repaired before RapidJSON reads it. Owned by the parser of that one document.
//
// RapidJSON cannot stop half-way and resume when more bytes come, so a document is held whole;
// what bounds memory is checked here, byte by byte as it arrives, before anything is parsed:
// the document's size, and the length of one string or number (RapidJSON copies each one whole
// onto its own stack). The text is kept in fixed 64 KiB blocks: growing one contiguous buffer
// would hold the old and the new copy at once.
//
// JSON may escape UTF-16 code units that UTF-8 cannot hold: a lone surrogate (`\udc00`, or
// `\ud800` not followed by its low half). RapidJSON 1.1 turns a lone low surrogate into bytes
// that are not UTF-8 and refuses a lone high one; both are rewritten here, in place (an escape
// of the same length), to `\ufffd`, U+FFFD REPLACEMENT CHARACTER. Raw bytes that are not UTF-8 stay
// an error (kParseValidateEncodingFlag): a document like that is not JSON. `\u0000` is dropped
// from the values by the parsers (without_nul), so no NUL reaches a CSV file.
#pragma once

#include <rapidjson/reader.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qi::qualys {

// How every CSAM document is read: UTF-8 checked, numbers kept as their text (IDs past 2^53),
// iteratively (no recursion for deep nesting).
inline constexpr unsigned kCsamParseFlags = rapidjson::kParseValidateEncodingFlag |
                                            rapidjson::kParseNumbersAsStringsFlag |
                                            rapidjson::kParseIterativeFlag;

class JsonText {
  static constexpr std::size_t kBlockBytes = 64 * 1024;
  using Block = std::array<char, kBlockBytes>;

 public:
  // what names the document in messages ("CSAM page").
  JsonText(std::string what, std::size_t max_bytes, std::size_t max_value_bytes);

  // Appends bytes. Throws qi::FatalError "<what> larger than N bytes (the limit for one <what>)"
  // past max_bytes, "<what>: a JSON string or number longer than N bytes at offset O (the limit
  // for one value)" past max_value_bytes.
  void append(std::string_view bytes);
  void clear();  // frees the blocks

  // A RapidJSON input stream over the text after a leading UTF-8 byte order mark (accepted as
  // before XML). Tell() is the offset from there, as in every message.
  class Stream {
   public:
    using Ch = char;
    explicit Stream(const JsonText& text)
        : text_(text), start_(text.bom_bytes()), position_(start_) {}
    Ch Peek() const { return position_ < text_.size_ ? text_.at(position_) : '\0'; }
    Ch Take() {
      const Ch c = Peek();
      if (position_ < text_.size_) ++position_;
      return c;
    }
    std::size_t Tell() const { return position_ - start_; }
    // Needed only for in-situ parsing, which the parsers do not use.
    Ch* PutBegin() { return nullptr; }
    void Put(Ch) {}
    void Flush() {}
    std::size_t PutEnd(Ch*) { return 0; }

   private:
    const JsonText& text_;
    std::size_t start_;
    std::size_t position_;
  };
  Stream stream() const { return Stream(*this); }

 private:
  enum class State { between, string, escape, unicode };

  char at(std::size_t offset) const {
    return (*blocks_[offset / kBlockBytes])[offset % kBlockBytes];
  }
  char& at(std::size_t offset) { return (*blocks_[offset / kBlockBytes])[offset % kBlockBytes]; }
  std::size_t bom_bytes() const;
  void scan(char c, std::size_t offset);
  void on_code_unit();
  void settle_high_surrogate();
  void replace_escape(std::size_t hex_offset);

  std::string what_;
  std::size_t max_bytes_;
  std::size_t max_value_bytes_;
  std::vector<std::unique_ptr<Block>> blocks_;
  std::size_t size_ = 0;

  State state_ = State::between;
  std::size_t value_start_ = 0;  // offset of the current string's quote or number's first byte
  std::size_t value_bytes_ = 0;
  unsigned hex_digits_ = 0;
  std::uint32_t code_unit_ = 0;
  std::size_t hex_offset_ = 0;               // of the current \u escape's first hex digit
  std::optional<std::size_t> pending_high_;  // a high surrogate escape waiting for its low half
};

// bytes without any NUL (a decoded `\u0000`); scratch holds the copy when one is needed.
std::string_view without_nul(std::string_view bytes, std::string& scratch);

}  // namespace qi::qualys
