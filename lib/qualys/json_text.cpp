#include "qualys/json_text.hpp"

#include "common/error.hpp"

namespace qi::qualys {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool separates_values(char c) {
  switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '{':
    case '}':
    case '[':
    case ']':
    case ',':
    case ':':
      return true;
    default:
      return false;
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

JsonText::JsonText(std::string what, std::size_t max_bytes, std::size_t max_value_bytes)
    : what_(std::move(what)), max_bytes_(max_bytes), max_value_bytes_(max_value_bytes) {}

void JsonText::append(std::string_view bytes) {
  if (bytes.size() > max_bytes_ - size_) {
    throw FatalError(what_ + " larger than " + std::to_string(max_bytes_) +
                     " bytes (the limit for one " + what_ + ")");
  }
  for (const char c : bytes) {
    if (size_ % kBlockBytes == 0) blocks_.push_back(std::make_unique<Block>());
    at(size_) = c;
    scan(c, size_);
    ++size_;
  }
}

void JsonText::clear() {
  std::vector<std::unique_ptr<Block>>().swap(blocks_);
  size_ = 0;
}

std::size_t JsonText::bom_bytes() const {
  if (size_ < kBom.size()) return 0;
  for (std::size_t i = 0; i < kBom.size(); ++i) {
    if (at(i) != kBom[i]) return 0;
  }
  return kBom.size();
}

// Follows strings and escapes closely enough to measure each value and to find \u escapes;
// anything it misreads is malformed JSON that RapidJSON refuses anyway.
void JsonText::scan(char c, std::size_t offset) {
  switch (state_) {
    case State::between:
      if (c == '"') {
        state_ = State::string;
        value_start_ = offset;
        value_bytes_ = 0;
      } else if (separates_values(c)) {
        value_bytes_ = 0;
      } else if (value_bytes_++ == 0) {
        value_start_ = offset;
      }
      break;
    case State::string:
      ++value_bytes_;
      if (c == '\\') {
        state_ = State::escape;
      } else {
        settle_high_surrogate();
        if (c == '"') {
          state_ = State::between;
          value_bytes_ = 0;
        }
      }
      break;
    case State::escape:
      ++value_bytes_;
      if (c == 'u') {
        state_ = State::unicode;
        hex_digits_ = 0;
        code_unit_ = 0;
        hex_offset_ = offset + 1;
      } else {
        settle_high_surrogate();
        state_ = State::string;
      }
      break;
    case State::unicode: {
      ++value_bytes_;
      const int digit = hex_value(c);
      if (digit < 0) {
        settle_high_surrogate();
        state_ = c == '"' ? State::between : State::string;
        break;
      }
      code_unit_ = code_unit_ * 16 + static_cast<std::uint32_t>(digit);
      if (++hex_digits_ == 4) {
        on_code_unit();
        state_ = State::string;
      }
      break;
    }
  }
  if (value_bytes_ > max_value_bytes_) {
    throw FatalError(what_ + ": a JSON string or number longer than " +
                     std::to_string(max_value_bytes_) + " bytes at offset " +
                     std::to_string(value_start_ - bom_bytes()) + " (the limit for one value)");
  }
}

void JsonText::on_code_unit() {
  const bool high = code_unit_ >= 0xD800 && code_unit_ <= 0xDBFF;
  const bool low = code_unit_ >= 0xDC00 && code_unit_ <= 0xDFFF;
  if (pending_high_ && low) {
    pending_high_.reset();  // a valid pair
    return;
  }
  settle_high_surrogate();
  if (low) {
    replace_escape(hex_offset_);
  } else if (high) {
    pending_high_ = hex_offset_;
  }
}

void JsonText::settle_high_surrogate() {
  if (!pending_high_) return;
  replace_escape(*pending_high_);
  pending_high_.reset();
}

void JsonText::replace_escape(std::size_t hex_offset) {
  for (std::size_t i = 0; i < 4; ++i) at(hex_offset + i) = "FFFD"[i];
}

std::string_view without_nul(std::string_view bytes, std::string& scratch) {
  if (bytes.find('\0') == std::string_view::npos) return bytes;
  scratch.clear();
  for (const char c : bytes) {
    if (c != '\0') scratch += c;
  }
  return scratch;
}

}  // namespace qi::qualys
