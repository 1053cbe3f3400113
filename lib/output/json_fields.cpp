#include "output/json_fields.hpp"

namespace qi::output {

std::string json_string_member(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

std::uint64_t json_number_member(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsUint64() ? it->value.GetUint64() : 0;
}

PublishedFile read_file_figures(const rapidjson::Value& object) {
  return {json_string_member(object, "name"), json_number_member(object, "rows"),
          json_number_member(object, "bytes")};
}

std::map<std::string, ReferenceCheck> read_reference_checks(const rapidjson::Value& object) {
  std::map<std::string, ReferenceCheck> checks;
  auto refs = object.FindMember("references");
  if (refs == object.MemberEnd() || !refs->value.IsObject()) return checks;
  for (const auto& [name, value] : refs->value.GetObject()) {
    if (!value.IsObject()) continue;
    ReferenceCheck check;
    check.count = json_number_member(value, "count");
    if (auto first = value.FindMember("first");
        first != value.MemberEnd() && first->value.IsArray()) {
      for (const auto& id : first->value.GetArray()) {
        if (id.IsString()) check.first.emplace_back(id.GetString());
      }
    }
    checks[name.GetString()] = std::move(check);
  }
  return checks;
}

}  // namespace qi::output
