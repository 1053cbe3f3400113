// The attributes that the extra columns of output.extra_columns add to our Assets Cloud mapping
// (cloud_mapping.hpp): one per chosen column, on the object type its file feeds, typed from what
// the catalog says its cells hold (config::ValueKind). Generic over the catalog, so a column added
// there reaches Assets without a change here. docs/insight.md ("Extra columns") describes the
// result for operators.
#pragma once

#include <string>
#include <string_view>

#include "config/column_catalog.hpp"
#include "insight/cloud_mapping.hpp"

namespace qi::insight {

// Names every Assets object type holds itself: an attribute of ours may not take them.
inline constexpr std::string_view kSystemAttributeNames[] = {"Key", "Created", "Updated"};

// "Last Check-In" → "last-check-in": lower-case letters and digits, other runs become one "-".
std::string column_slug(std::string_view name);

// Adds `column` (a column of `type`'s file) to `type`:
// - an attribute `<type>/extra-<slug>` named as the column, read from the column's cell through
//   the locator `extra_<slug with "_">` (our base locators are camelCase, so none can clash);
// - except when `type` has a derived attribute of the same name (Host ID, looked up in the
//   assets base): that attribute reads the column instead, and no second one is made;
// - a name that another attribute of `type` or Assets itself holds gets " (<file>)" appended.
void add_extra_attribute(ObjectTypeMapping& type, const config::CatalogColumn& column);

}  // namespace qi::insight
