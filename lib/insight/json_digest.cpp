#include "insight/json_digest.hpp"

#include <openssl/evp.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <array>
#include <vector>

#include "common/error.hpp"
#include "insight/json_output.hpp"

namespace qi::insight {
namespace {

constexpr int kMaxDepth = 64;

std::string_view text_of(const rapidjson::Value& value) {
  return {value.GetString(), value.GetStringLength()};
}

void write_canonical(JsonOutput& out, const rapidjson::Value& value, int depth) {
  if (depth > kMaxDepth) throw FatalError("JSON nested deeper than 64 levels");
  if (value.IsObject()) {
    std::vector<const rapidjson::Value::Member*> members;
    for (const auto& member : value.GetObject()) members.push_back(&member);
    std::sort(members.begin(), members.end(),
              [](const auto* a, const auto* b) { return text_of(a->name) < text_of(b->name); });
    out.start_object();
    for (const auto* member : members) {
      out.key(text_of(member->name));
      write_canonical(out, member->value, depth + 1);
    }
    out.end_object();
  } else if (value.IsArray()) {
    out.start_array();
    for (const auto& element : value.GetArray()) write_canonical(out, element, depth + 1);
    out.end_array();
  } else if (value.IsString()) {
    out.string(text_of(value));
  } else if (value.IsBool()) {
    out.boolean(value.GetBool());
  } else if (value.IsInt64()) {
    out.integer(value.GetInt64());
  } else if (value.IsUint64()) {
    out.unsigned_integer(value.GetUint64());
  } else if (value.IsNumber()) {
    out.real(value.GetDouble());
  } else {
    out.null();
  }
}

}  // namespace

std::string canonical_json(std::string_view json) {
  rapidjson::Document document;
  document.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(
      json.data(), json.size());
  if (document.HasParseError()) {
    throw FatalError("not a JSON document: " +
                     std::string(rapidjson::GetParseError_En(document.GetParseError())) +
                     " at offset " + std::to_string(document.GetErrorOffset()));
  }
  std::string text;
  JsonOutput out(text);
  write_canonical(out, document, 0);
  return text;
}

std::string json_digest(std::string_view json) {
  const std::string canonical = canonical_json(json);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(canonical.data(), canonical.size(), digest.data(), &size, EVP_sha256(), nullptr) !=
      1) {
    throw FatalError("SHA-256 of the mapping document failed");
  }
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4U];
    hex += kHex[digest[i] & 0x0FU];
  }
  return hex;
}

}  // namespace qi::insight
