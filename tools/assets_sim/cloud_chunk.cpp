#include "assets_sim/cloud_chunk.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <charconv>

namespace qi::assets_sim {

namespace {

using Value = rapidjson::Value;

const Value* walk(const Value& from, std::string_view path) {
  const Value* at = &from;
  while (!path.empty()) {
    const auto dot = path.find('.');
    const std::string key(path.substr(0, dot));
    if (!at->IsObject()) return nullptr;
    const auto it = at->FindMember(key.c_str());
    if (it == at->MemberEnd()) return nullptr;
    at = &it->value;
    path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
  }
  return at;
}

void scalar_text(const Value& v, std::vector<std::string>& out) {
  if (v.IsString()) {
    out.emplace_back(v.GetString(), v.GetStringLength());
  } else if (v.IsBool()) {
    out.emplace_back(v.GetBool() ? "true" : "false");
  } else if (v.IsInt64()) {
    out.push_back(std::to_string(v.GetInt64()));
  } else if (v.IsUint64()) {
    out.push_back(std::to_string(v.GetUint64()));
  } else if (v.IsNumber()) {
    // The shortest form that reads back as the same double: 7.5 stays "7.5".
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, v.GetDouble()).ptr;
    out.emplace_back(text, end);
  }
}

// The values of one attribute mapping in one source object: a single locator gives its values
// (an array gives several), several locators give one value joined with '-' (the default
// concatenator).
std::vector<std::string> values_of(const Value& object, const AttributeMapping& am) {
  std::vector<std::string> per_locator;
  std::vector<std::string> single;
  for (const auto& locator : am.locators) {
    std::vector<std::string> found;
    if (const Value* v = walk(object, locator)) {
      if (v->IsArray()) {
        for (const auto& item : v->GetArray()) scalar_text(item, found);
      } else {
        scalar_text(*v, found);
      }
    }
    if (am.locators.size() == 1) return found;
    if (!found.empty() && !found.front().empty()) per_locator.push_back(found.front());
  }
  if (per_locator.empty()) return {};
  std::string joined = per_locator.front();
  for (std::size_t i = 1; i < per_locator.size(); ++i) joined += "-" + per_locator[i];
  return {joined};
}

struct ChunkChecker {
  const Mapping& mapping;
  std::vector<ValidationError> errors;
  std::vector<PendingObject> objects;

  void object(const Value& source, std::size_t m, const std::string& path) {
    if (!source.IsObject()) {
      errors.push_back({"INVALID_TYPE", "an object must be a JSON object", path});
      return;
    }
    PendingObject pending{m, {}, {}};
    for (const auto& am : mapping.mappings[m].attributes) {
      auto values = values_of(source, am);
      if (am.external_id_part) {
        if (values.empty() || values.front().empty()) {
          errors.push_back(
              {"MISSING_IDENTIFIER", "no value for identifier attribute " + am.attribute, path});
          return;
        }
        pending.external_id += (pending.external_id.empty() ? "" : "-") + values.front();
      }
      if (!values.empty()) pending.values[am.attribute] = std::move(values);
    }
    objects.push_back(std::move(pending));
  }
};

}  // namespace

std::variant<Chunk, std::vector<ValidationError>> parse_chunk(std::string_view body,
                                                              const Mapping& mapping,
                                                              std::size_t max_objects) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return std::vector<ValidationError>{{"INVALID_JSON", "the body is not a JSON object", "$"}};
  }
  Chunk chunk;
  const auto completed = doc.FindMember("completed");
  if (completed == doc.MemberEnd() || !completed->value.IsBool()) {
    return std::vector<ValidationError>{
        {"MISSING_REQUIRED_FIELD", "completed is required (true or false)", "$.completed"}};
  }
  chunk.completed = completed->value.GetBool();
  const auto id = doc.FindMember("clientGeneratedId");
  if (id != doc.MemberEnd() && id->value.IsString()) {
    chunk.client_generated_id = id->value.GetString();
  }
  const auto data = doc.FindMember("data");
  if (data == doc.MemberEnd() || data->value.IsNull()) {
    if (chunk.completed) return chunk;
    return std::vector<ValidationError>{
        {"MISSING_REQUIRED_FIELD", "data is required unless completed is true", "$.data"}};
  }
  if (!data->value.IsObject()) {
    return std::vector<ValidationError>{{"INVALID_TYPE", "data must be an object", "$.data"}};
  }
  ChunkChecker checker{mapping, {}, {}};
  for (const auto& member : data->value.GetObject()) {
    const std::string key = member.name.GetString();
    const bool mapped =
        std::any_of(mapping.mappings.begin(), mapping.mappings.end(), [&](const TypeMapping& tm) {
          return tm.selector == key || tm.selector.starts_with(key + ".");
        });
    if (!mapped) {
      checker.errors.push_back(
          {"UNKNOWN_SELECTOR", "no object type mapping has the selector " + key, "$.data." + key});
    }
  }
  std::size_t count = 0;
  for (std::size_t m = 0; m < mapping.mappings.size(); ++m) {
    const std::string& selector = mapping.mappings[m].selector;
    const Value* list = walk(data->value, selector);
    if (!list) continue;
    const std::string path = "$.data." + selector;
    if (!list->IsArray()) {
      checker.errors.push_back({"INVALID_TYPE", "the selector's value must be an array", path});
      continue;
    }
    count += list->Size();
    if (count > max_objects) break;
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
      checker.object((*list)[i], m, path + "[" + std::to_string(i) + "]");
    }
  }
  if (count > max_objects) {
    return std::vector<ValidationError>{
        {"TOO_MANY_OBJECTS", "a chunk holds at most " + std::to_string(max_objects) + " objects",
         "$.data"}};
  }
  if (!checker.errors.empty()) return checker.errors;
  chunk.objects = std::move(checker.objects);
  return chunk;
}

}  // namespace qi::assets_sim
