#include "qualys/csam_count.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <charconv>
#include <string>

#include "common/error.hpp"
#include "qualys/json_text.hpp"

namespace qi::qualys {
namespace {

// The count answer is buffered whole (at most 1 MiB, jobs::BufferedBody); these bound what
// parsing it costs on top.
constexpr std::size_t kMaxCountBytes = std::size_t{1} << 20;
constexpr std::size_t kMaxValueBytes = 64 * 1024;

// Keeps the top-level members the count needs and validates the rest without storing it (a
// DOM of a 1 MiB answer of small values would take ~16 times that).
class CountHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, CountHandler> {
 public:
  explicit CountHandler(CsamCount& out) : out_(out) {}

  const std::string& problem() const { return problem_; }

  bool Default() { return member(Kind::other, {}); }  // booleans
  bool Null() { return member(Kind::null, {}); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    return member(Kind::number, {s, n});
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    return member(Kind::string, without_nul({s, n}, scratch_));
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (depth_ == 1) key_.assign(s, n);
    return true;
  }
  bool StartObject() { return open(true); }
  bool StartArray() { return open(false); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool EndArray(rapidjson::SizeType) { return close(); }

 private:
  enum class Kind { null, number, string, other };

  bool open(bool object) {
    if (depth_ == 0 && !object) return refuse("not an object");
    if (depth_ == 1 && !member(Kind::other, {})) return false;
    ++depth_;
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }
  bool refuse(std::string problem) {
    problem_ = std::move(problem);
    return false;
  }

  // One value: a top-level member's is kept when the count needs it.
  bool member(Kind kind, std::string_view text) {
    if (depth_ == 0) return refuse("not an object");
    if (depth_ != 1) return true;
    if (key_ == "count") {
      if (kind == Kind::null) return true;  // no count, as on error bodies
      std::int64_t count = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
      if (kind != Kind::number || ec != std::errc{} || end != text.data() + text.size()) {
        return refuse("count is not an integer");
      }
      out_.count = count;
    } else if (kind == Kind::string && key_ == "responseCode") {
      out_.response_code = text;
    } else if (kind == Kind::string && key_ == "responseMessage") {
      out_.response_message = text;
    }
    return true;
  }

  CsamCount& out_;
  int depth_ = 0;
  std::string key_;
  std::string problem_;
  std::string scratch_;
};

}  // namespace

CsamCount parse_csam_count(std::string_view body) {
  JsonText text("CSAM count", kMaxCountBytes, kMaxValueBytes);
  text.append(body);
  CsamCount out;
  CountHandler handler(out);
  rapidjson::Reader reader;
  JsonText::Stream stream = text.stream();
  const rapidjson::ParseResult result = reader.Parse<kCsamParseFlags>(stream, handler);
  if (result.Code() == rapidjson::kParseErrorTermination) {
    throw TransientError("malformed JSON in CSAM count: " + handler.problem());
  }
  if (result.IsError()) {
    throw TransientError(std::string("malformed JSON in CSAM count: ") +
                         rapidjson::GetParseError_En(result.Code()) + " at offset " +
                         std::to_string(result.Offset()));
  }
  return out;
}

}  // namespace qi::qualys
