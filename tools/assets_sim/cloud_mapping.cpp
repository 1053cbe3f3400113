#include "assets_sim/cloud_mapping.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <set>

#include "qualys_sim/sim_util.hpp"

namespace qi::assets_sim {

namespace {

using Value = rapidjson::Value;

// The attribute types of the mapping document's JSON schema.
const std::set<std::string, std::less<>> kAttributeTypes = {"text",
                                                            "integer",
                                                            "boolean",
                                                            "double",
                                                            "date",
                                                            "time",
                                                            "date_time",
                                                            "url",
                                                            "email",
                                                            "textarea",
                                                            "select",
                                                            "ipaddress",
                                                            "referenced_object",
                                                            "status"};

// Walks the document, collecting every problem with the path where it was found.
class Checker {
 public:
  std::vector<ValidationError> errors;

  void fail(std::string code, const std::string& path, std::string message) {
    errors.push_back({std::move(code), std::move(message), path});
  }

  // A required member of the given JSON type; nullptr (and an error) when absent or mistyped.
  const Value* member(const Value& object, const std::string& path, const char* name,
                      rapidjson::Type type, bool required = true) {
    const auto it = object.FindMember(name);
    const std::string at = path + "." + name;
    if (it == object.MemberEnd() || it->value.IsNull()) {
      if (required) fail("MISSING_REQUIRED_FIELD", at, std::string(name) + " is required");
      return nullptr;
    }
    const bool ok = type == rapidjson::kTrueType ? it->value.IsBool() : it->value.GetType() == type;
    if (!ok) {
      fail("INVALID_TYPE", at, std::string(name) + " has the wrong type");
      return nullptr;
    }
    return &it->value;
  }

  std::string text(const Value& object, const std::string& path, const char* name,
                   bool required = true) {
    const Value* v = member(object, path, name, rapidjson::kStringType, required);
    if (!v) return {};
    if (v->GetStringLength() == 0 && required) {
      fail("MISSING_REQUIRED_FIELD", path + "." + name, std::string(name) + " is empty");
    }
    return {v->GetString(), v->GetStringLength()};
  }

  bool flag(const Value& object, const std::string& path, const char* name) {
    const Value* v = member(object, path, name, rapidjson::kTrueType, false);
    return v && v->GetBool();
  }

  // The maximumCardinality (1 when absent).
  std::int64_t cardinality(const Value& object, const std::string& path) {
    std::int64_t bounds[2] = {0, -1};
    const char* names[2] = {"minimumCardinality", "maximumCardinality"};
    for (int i = 0; i < 2; ++i) {
      const auto it = object.FindMember(names[i]);
      if (it == object.MemberEnd()) continue;
      if (!it->value.IsInt64() || it->value.GetInt64() < -1) {
        fail("INVALID_TYPE", path + "." + names[i], std::string(names[i]) + " must be an integer");
        return 1;
      }
      bounds[i] = it->value.GetInt64();
    }
    if (bounds[1] != -1 && bounds[0] > bounds[1]) {
      fail("INVALID_VALUE", path + ".minimumCardinality",
           "minimumCardinality is above maximumCardinality");
    }
    return object.HasMember(names[1]) ? bounds[1] : 1;
  }

  void object_types(const Value& list, const std::string& path, std::vector<ObjectTypeDef>& out) {
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
      const std::string at = path + "[" + std::to_string(i) + "]";
      if (!list[i].IsObject()) {
        fail("INVALID_TYPE", at, "an object type must be an object");
        continue;
      }
      ObjectTypeDef type{text(list[i], at, "externalId"), text(list[i], at, "name"), {}};
      if (const Value* attributes = member(list[i], at, "attributes", rapidjson::kArrayType)) {
        attribute_defs(*attributes, at + ".attributes", type);
      }
      out.push_back(std::move(type));
      if (const Value* children = member(list[i], at, "children", rapidjson::kArrayType, false)) {
        object_types(*children, at + ".children", out);
      }
    }
  }

  void attribute_defs(const Value& list, const std::string& path, ObjectTypeDef& type) {
    int labels = 0;
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
      const std::string at = path + "[" + std::to_string(i) + "]";
      if (!list[i].IsObject()) {
        fail("INVALID_TYPE", at, "an attribute must be an object");
        continue;
      }
      AttributeDef attr{text(list[i], at, "externalId"),
                        text(list[i], at, "name"),
                        text(list[i], at, "type"),
                        flag(list[i], at, "label"),
                        {}};
      if (!attr.type.empty() && !kAttributeTypes.contains(attr.type)) {
        fail("INVALID_VALUE", at + ".type", "unknown attribute type " + attr.type);
      }
      if (attr.type == "referenced_object") {
        attr.reference_type = text(list[i], at, "referenceObjectTypeExternalId");
      }
      attr.max_values = cardinality(list[i], at);
      labels += attr.label ? 1 : 0;
      if (type.attribute(attr.external_id)) {
        fail("DUPLICATE_EXTERNAL_ID", at + ".externalId",
             "duplicate externalId " + attr.external_id);
      }
      type.attributes.push_back(std::move(attr));
    }
    if (labels != 1)
      fail("INVALID_VALUE", path, "an object type needs exactly one label attribute");
  }

  void type_mappings(const Value& list, const std::string& path, Mapping& mapping) {
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
      const std::string at = path + "[" + std::to_string(i) + "]";
      if (!list[i].IsObject()) {
        fail("INVALID_TYPE", at, "an object type mapping must be an object");
        continue;
      }
      TypeMapping tm{text(list[i], at, "objectTypeExternalId"), text(list[i], at, "selector"), {}};
      const ObjectTypeDef* type = mapping.type(tm.object_type);
      if (!tm.object_type.empty() && !type) {
        fail("UNKNOWN_EXTERNAL_ID_MAPPING", at + ".objectTypeExternalId",
             "no object type with externalId " + tm.object_type);
      }
      if (const Value* attrs = member(list[i], at, "attributesMapping", rapidjson::kArrayType)) {
        attribute_mappings(*attrs, at + ".attributesMapping", type, tm);
      }
      const bool identified = std::any_of(tm.attributes.begin(), tm.attributes.end(),
                                          [](const auto& a) { return a.external_id_part; });
      if (!identified) {
        fail("MISSING_IDENTIFIER", at, "no attribute mapping has externalIdPart: true");
      }
      mapping.mappings.push_back(std::move(tm));
    }
  }

  void attribute_mappings(const Value& list, const std::string& path, const ObjectTypeDef* type,
                          TypeMapping& tm) {
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
      const std::string at = path + "[" + std::to_string(i) + "]";
      if (!list[i].IsObject()) {
        fail("INVALID_TYPE", at, "an attribute mapping must be an object");
        continue;
      }
      AttributeMapping am;
      am.attribute = text(list[i], at, "attributeExternalId");
      am.external_id_part = flag(list[i], at, "externalIdPart");
      am.object_mapping_iql = text(list[i], at, "objectMappingIQL", false);
      if (const Value* locators = member(list[i], at, "attributeLocators", rapidjson::kArrayType)) {
        for (const auto& l : locators->GetArray()) {
          if (l.IsString() && l.GetStringLength() > 0)
            am.locators.emplace_back(l.GetString());
          else
            fail("INVALID_TYPE", at + ".attributeLocators", "a locator must be a non-empty string");
        }
        if (locators->Empty())
          fail("MISSING_REQUIRED_FIELD", at + ".attributeLocators", "no locator");
      }
      const AttributeDef* def = type ? type->attribute(am.attribute) : nullptr;
      if (type && !am.attribute.empty() && !def) {
        fail("UNKNOWN_EXTERNAL_ID_MAPPING", at + ".attributeExternalId",
             "object type " + type->external_id + " has no attribute " + am.attribute);
      }
      if (def && def->type == "referenced_object" && am.object_mapping_iql.empty()) {
        fail("MISSING_REQUIRED_FIELD", at + ".objectMappingIQL",
             "a referenced_object attribute needs objectMappingIQL");
      }
      tm.attributes.push_back(std::move(am));
    }
  }
};

void check_references(Checker& checker, const Mapping& mapping) {
  for (std::size_t t = 0; t < mapping.types.size(); ++t) {
    for (const auto& attr : mapping.types[t].attributes) {
      if (attr.type == "referenced_object" && !attr.reference_type.empty() &&
          !mapping.type(attr.reference_type)) {
        checker.fail("UNKNOWN_EXTERNAL_ID_MAPPING", "schema.objectSchema.objectTypes",
                     "attribute " + attr.external_id + " references unknown object type " +
                         attr.reference_type);
      }
    }
    for (std::size_t u = 0; u < t; ++u) {
      if (mapping.types[u].external_id == mapping.types[t].external_id) {
        checker.fail("DUPLICATE_EXTERNAL_ID", "schema.objectSchema.objectTypes",
                     "duplicate object type externalId " + mapping.types[t].external_id);
      }
    }
  }
}

}  // namespace

const AttributeDef* ObjectTypeDef::attribute(std::string_view id) const {
  for (const auto& a : attributes) {
    if (a.external_id == id) return &a;
  }
  return nullptr;
}

const AttributeDef* ObjectTypeDef::attribute_named(std::string_view wanted) const {
  for (const auto& a : attributes) {
    if (a.name == wanted) return &a;
  }
  return nullptr;
}

const ObjectTypeDef* Mapping::type(std::string_view id) const {
  for (const auto& t : types) {
    if (t.external_id == id) return &t;
  }
  return nullptr;
}

std::variant<Mapping, std::vector<ValidationError>> parse_mapping(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  Checker checker;
  if (doc.HasParseError() || !doc.IsObject()) {
    checker.fail("INVALID_JSON", "$", "the body is not a JSON object");
    return checker.errors;
  }
  Mapping mapping;
  mapping.document = std::string(body);
  if (const Value* schema = checker.member(doc, "$", "schema", rapidjson::kObjectType)) {
    if (const Value* os =
            checker.member(*schema, "schema", "objectSchema", rapidjson::kObjectType)) {
      checker.text(*os, "schema.objectSchema", "name");
      if (const Value* types =
              checker.member(*os, "schema.objectSchema", "objectTypes", rapidjson::kArrayType)) {
        checker.object_types(*types, "schema.objectSchema.objectTypes", mapping.types);
      }
    }
  }
  check_references(checker, mapping);
  if (const Value* m = checker.member(doc, "$", "mapping", rapidjson::kObjectType)) {
    if (const Value* list =
            checker.member(*m, "mapping", "objectTypeMappings", rapidjson::kArrayType)) {
      checker.type_mappings(*list, "mapping.objectTypeMappings", mapping);
    }
  }
  if (!checker.errors.empty()) return checker.errors;
  return mapping;
}

std::string validation_errors_json(const std::vector<ValidationError>& errors) {
  std::string out = R"({"errorMessages":[],"errors":{},"dataValidationErrors":[)";
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"code\":\"";
    qi::sim::append_json_escaped(out, errors[i].code);
    out += "\",\"message\":\"";
    qi::sim::append_json_escaped(out, errors[i].message);
    out += "\",\"path\":\"";
    qi::sim::append_json_escaped(out, errors[i].path);
    out += "\"}";
  }
  return out + "]}\n";
}

}  // namespace qi::assets_sim
