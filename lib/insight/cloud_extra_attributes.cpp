#include "insight/cloud_extra_attributes.hpp"

#include <algorithm>

namespace qi::insight {
namespace {

// Multi-valued text: the cell is split on "||" (object_chunks.cpp). A flag goes as a JSON boolean
// ("1" true, "0" false): Assets shows it as Yes/No and AQL compares it with true/false, where an
// integer 1/0 would read as a count.
AttributeType attribute_type(config::ValueKind kind) {
  switch (kind) {
    case config::ValueKind::integer:
      return AttributeType::integer;
    case config::ValueKind::decimal:
      return AttributeType::decimal;
    case config::ValueKind::flag:
      return AttributeType::boolean;
    case config::ValueKind::date_time:
      return AttributeType::date_time;
    case config::ValueKind::text:
    case config::ValueKind::multi_text:
      break;
  }
  return AttributeType::text;
}

bool name_taken(const ObjectTypeMapping& type, std::string_view name) {
  const auto system = std::find(std::begin(kSystemAttributeNames), std::end(kSystemAttributeNames),
                                name) != std::end(kSystemAttributeNames);
  return system || std::any_of(type.attributes.begin(), type.attributes.end(),
                               [&](const AttributeMapping& a) { return a.name == name; });
}

}  // namespace

std::string column_slug(std::string_view name) {
  std::string slug;
  bool gap = false;
  for (const char c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) {
      gap = !slug.empty();
      continue;
    }
    if (gap) slug += '-';
    gap = false;
    slug += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return slug;
}

void add_extra_attribute(ObjectTypeMapping& type, const config::CatalogColumn& column) {
  const std::string name(column.name);
  for (auto& attribute : type.attributes) {
    if (attribute.name == name && attribute.source != ValueSource::columns) {
      attribute.source = ValueSource::columns;
      attribute.columns = {name};
      return;
    }
  }
  const std::string slug = column_slug(column.name);
  std::string locator = "extra_" + slug;
  std::replace(locator.begin(), locator.end(), '-', '_');
  AttributeMapping attribute;
  attribute.external_id = type.external_id + "/extra-" + slug;
  attribute.name = name_taken(type, name) ? name + " (" + type.file + ")" : name;
  attribute.description = "From the column \"" + name + "\" (output.extra_columns)";
  attribute.type = attribute_type(column.kind);
  attribute.locator = std::move(locator);
  attribute.columns = {name};
  attribute.multi_valued = column.kind == config::ValueKind::multi_text;
  type.attributes.push_back(std::move(attribute));
}

}  // namespace qi::insight
