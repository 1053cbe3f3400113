// Compact JSON appended to a caller's std::string through RapidJSON (escaping, UTF-8 checked):
// the mapping document and the data chunks. The string is the caller's so that a chunk buffer
// keeps its capacity from one chunk to the next.
#pragma once

#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace qi::insight {

class JsonOutput {
 public:
  explicit JsonOutput(std::string& text) : sink_{&text}, writer_(sink_) {}

  void start_object() { writer_.StartObject(); }
  void end_object() { writer_.EndObject(); }
  void start_array() { writer_.StartArray(); }
  void end_array() { writer_.EndArray(); }
  // Throw qi::FatalError when the text is not UTF-8 (JSON cannot carry it).
  void key(std::string_view name);
  void string(std::string_view value);
  void integer(std::int64_t value) { writer_.Int64(value); }
  void boolean(bool value) { writer_.Bool(value); }
  void unsigned_integer(std::uint64_t value) { writer_.Uint64(value); }
  void real(double value) { writer_.Double(value); }
  void null() { writer_.Null(); }

  void member(std::string_view name, std::string_view value) {
    key(name);
    string(value);
  }
  // Named apart from member(): a string literal would convert to bool before string_view.
  void flag(std::string_view name, bool value) {
    key(name);
    boolean(value);
  }
  void number(std::string_view name, std::int64_t value) {
    key(name);
    integer(value);
  }

 private:
  struct Sink {
    using Ch = char;
    std::string* text;
    void Put(char c) { text->push_back(c); }
    void Flush() {}
  };
  using Writer = rapidjson::Writer<Sink, rapidjson::UTF8<>, rapidjson::UTF8<>,
                                   rapidjson::CrtAllocator, rapidjson::kWriteValidateEncodingFlag>;

  Sink sink_;
  Writer writer_;
};

}  // namespace qi::insight
