// The Cloud external import's schema and mapping document (format 2023_10_19: object types and
// attributes carry an externalId, object-type mappings name them): parsed and checked against the
// documented required fields and types. Problems come back as Atlassian-style
// dataValidationErrors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace qi::assets_sim {

struct AttributeDef {
  std::string external_id;
  std::string name;
  std::string type;  // text, integer, boolean, ..., referenced_object
  bool label = false;
  std::string reference_type;   // externalId of the referenced object type
  std::int64_t max_values = 1;  // maximumCardinality; -1: any number
};

struct ObjectTypeDef {
  std::string external_id;
  std::string name;
  std::vector<AttributeDef> attributes;
  const AttributeDef* attribute(std::string_view external_id) const;
  const AttributeDef* attribute_named(std::string_view name) const;
};

struct AttributeMapping {
  std::string attribute;  // attributeExternalId
  std::vector<std::string> locators;
  bool external_id_part = false;
  std::string object_mapping_iql;  // for references: `"Attr" = ${locator}` or `... IN (...)`
};

struct TypeMapping {
  std::string object_type;  // objectTypeExternalId
  std::string selector;     // the key (or dotted path) of its objects in a data chunk
  std::vector<AttributeMapping> attributes;
};

struct Mapping {
  std::vector<ObjectTypeDef> types;
  std::vector<TypeMapping> mappings;
  std::string document;  // the body as PUT, returned by GET
  const ObjectTypeDef* type(std::string_view external_id) const;
};

struct ValidationError {
  std::string code;  // e.g. UNKNOWN_EXTERNAL_ID_MAPPING, MISSING_REQUIRED_FIELD
  std::string message;
  std::string
      path;  // JSON path of the offending value, e.g. mapping.objectTypeMappings[1].selector
};

std::variant<Mapping, std::vector<ValidationError>> parse_mapping(std::string_view body);

// {"errorMessages":[],"errors":{},"dataValidationErrors":[{"code":..,"message":..,"path":..}]}
std::string validation_errors_json(const std::vector<ValidationError>& errors);

}  // namespace qi::assets_sim
