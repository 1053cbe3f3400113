// Our Assets Cloud external-import schema and mapping, generated from the output columns
// (jobs/columns.hpp): which object types the push creates, their attributes and types, which
// attributes identify an object, how references find their target, and which CSV column feeds
// each value; the extra columns of output.extra_columns add typed attributes. docs/insight.md
// ("What our Cloud mapping creates") describes the result for operators. object_chunks.hpp reads
// the same description to turn the CSV rows into objects, so the document Assets validates and the
// objects we send cannot drift apart.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/column_catalog.hpp"

namespace qi::insight {

// The attribute types of the 2023_10_19 format that we use.
enum class AttributeType { text, integer, decimal, boolean, date_time, referenced_object };

std::string_view type_name(AttributeType type);

// Where a value of each object comes from.
enum class ValueSource {
  columns,           // the cells of `columns`, joined with "-" when there are several
  host_id_of_asset,  // the VM host ID of the asset in `columns[0]` (HostIdLookup)
};

struct AttributeMapping {
  std::string external_id;  // unique across the site: "qualys-insight/host/asset-id"
  std::string name;         // as Assets shows it: "Asset ID"
  std::string description;
  AttributeType type = AttributeType::text;
  std::string locator;  // the key of the value in each data object: "assetId"
  ValueSource source = ValueSource::columns;
  std::vector<std::string> columns;  // CSV header names the value is read from
  bool identifier = false;           // externalIdPart: the object is found again by it
  bool label = false;                // the object's label (one per object type)
  bool multi_valued = false;         // maximumCardinality -1; a cell holds values joined with "||"
  // referenced_object only: the external ID of the referenced object type, and the AQL that
  // finds the referenced object, with ${locator} standing for the value.
  std::string referenced_type;
  std::string object_mapping_aql;
};

struct ObjectTypeMapping {
  std::string external_id;  // "qualys-insight/host"
  std::string name;         // "Host"
  std::string description;
  std::string selector;  // the key of this type's objects in a data chunk: "hosts"
  std::string file;      // the published CSV the objects come from: "assets.csv"
  std::vector<AttributeMapping> attributes;
};

struct CloudMapping {
  std::string schema_name;
  std::string schema_description;
  // In push order: a type comes after every type its references point to.
  std::vector<ObjectTypeMapping> object_types;
};

// Host (assets.csv), Vulnerability (vulnkb.csv), CVE (cve.csv), Detection (vm.csv), each with
// the extra columns chosen for its file (cloud_extra_attributes.hpp). No extra columns: the
// mapping of the legacy files, the same document as before output.extra_columns existed.
CloudMapping cloud_mapping(const config::ExtraColumns& extra_columns = {});

// The 2023_10_19 schema-and-mapping document (compact JSON) that the mapping link takes.
std::string mapping_document(const CloudMapping& mapping);

// SHA-256 (lower-case hex) of the document's canonical form (json_digest): equal for equal
// mappings, different as soon as a type, attribute, locator or query changes.
std::string mapping_digest(const CloudMapping& mapping);

}  // namespace qi::insight
