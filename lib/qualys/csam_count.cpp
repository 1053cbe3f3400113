#include "qualys/csam_count.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <string>

#include "common/error.hpp"

namespace qi::qualys {
namespace {

std::string string_member(const rapidjson::Value& object, const char* name) {
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

}  // namespace

CsamCount parse_csam_count(std::string_view body) {
  rapidjson::Document doc;
  constexpr unsigned kFlags = rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag;
  doc.Parse<kFlags>(body.data(), body.size());
  if (doc.HasParseError()) {
    throw TransientError(std::string("malformed JSON in CSAM count: ") +
                         rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                         std::to_string(doc.GetErrorOffset()));
  }
  if (!doc.IsObject()) throw TransientError("malformed JSON in CSAM count: not an object");

  CsamCount out;
  out.response_code = string_member(doc, "responseCode");
  out.response_message = string_member(doc, "responseMessage");
  if (const auto it = doc.FindMember("count"); it != doc.MemberEnd()) {
    if (it->value.IsInt64()) {
      out.count = it->value.GetInt64();
    } else if (!it->value.IsNull()) {
      throw TransientError("malformed JSON in CSAM count: count is not an integer");
    }
  }
  return out;
}

}  // namespace qi::qualys
