// Our Assets Cloud schema and mapping (insight/cloud_mapping.hpp) and its digest.
#include "insight/cloud_mapping.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <map>
#include <set>
#include <span>

#include "common/error.hpp"
#include "insight/json_digest.hpp"
#include "jobs/columns.hpp"
#include "support/sha256_hex.hpp"

namespace qi::insight {
namespace {

// A small mapping that uses every feature the generator writes.
CloudMapping small_mapping() {
  AttributeMapping id{"x/thing/id", "Thing ID",
                      "The ID",     AttributeType::text,
                      "id",         ValueSource::columns,
                      {"ID"},       true,
                      true,         false,
                      "",           ""};
  AttributeMapping size{"x/thing/size",
                        "Size",
                        "How big",
                        AttributeType::integer,
                        "size",
                        ValueSource::columns,
                        {"Size"},
                        false,
                        false,
                        false,
                        "",
                        ""};
  AttributeMapping tags{"x/thing/tags",
                        "Tags",
                        "Tags",
                        AttributeType::text,
                        "tags",
                        ValueSource::columns,
                        {"Tags"},
                        false,
                        false,
                        true,
                        "",
                        ""};
  AttributeMapping parent{"x/thing/parent",
                          "Parent",
                          "Its parent",
                          AttributeType::referenced_object,
                          "parent",
                          ValueSource::columns,
                          {"Parent"},
                          false,
                          false,
                          false,
                          "x/thing",
                          "\"Thing ID\" = ${parent}"};
  return {"S",
          "D",
          {{"x/thing", "Thing", "A thing", "things", "things.csv", {id, size, tags, parent}}}};
}

TEST(CloudMapping, WritesTheDocumentInThe2023_10_19Format) {
  EXPECT_EQ(
      mapping_document(small_mapping()),
      R"({"$schema":"https://api.atlassian.com/jsm/assets/imports/external/schema/versions/2023_10_19",)"
      R"("schema":{"objectSchema":{"name":"S","description":"D","objectTypes":[)"
      R"({"externalId":"x/thing","name":"Thing","description":"A thing","attributes":[)"
      R"({"externalId":"x/thing/id","name":"Thing ID","description":"The ID","type":"text","label":true},)"
      R"({"externalId":"x/thing/size","name":"Size","description":"How big","type":"integer"},)"
      R"({"externalId":"x/thing/tags","name":"Tags","description":"Tags","type":"text","maximumCardinality":-1},)"
      R"({"externalId":"x/thing/parent","name":"Parent","description":"Its parent","type":"referenced_object",)"
      R"("referenceObjectTypeExternalId":"x/thing"}]}]}},)"
      R"("mapping":{"objectTypeMappings":[{"objectTypeExternalId":"x/thing","objectTypeName":"Thing",)"
      R"("selector":"things","description":"Objects of things.csv","attributesMapping":[)"
      R"({"attributeExternalId":"x/thing/id","attributeName":"Thing ID","attributeLocators":["id"],"externalIdPart":true},)"
      R"({"attributeExternalId":"x/thing/size","attributeName":"Size","attributeLocators":["size"],"externalIdPart":false},)"
      R"({"attributeExternalId":"x/thing/tags","attributeName":"Tags","attributeLocators":["tags"],"externalIdPart":false},)"
      R"({"attributeExternalId":"x/thing/parent","attributeName":"Parent","attributeLocators":["parent"],"externalIdPart":false,)"
      R"("objectMappingIQL":"\"Thing ID\" = ${parent}"}]}]}})");
}

const ObjectTypeMapping& type_named(const CloudMapping& mapping, std::string_view name) {
  for (const auto& type : mapping.object_types) {
    if (type.name == name) return type;
  }
  throw std::runtime_error("no object type " + std::string(name));
}

const AttributeMapping& attribute_named(const ObjectTypeMapping& type, std::string_view name) {
  for (const auto& attribute : type.attributes) {
    if (attribute.name == name) return attribute;
  }
  throw std::runtime_error("no attribute " + std::string(name) + " in " + type.name);
}

TEST(CloudMapping, CreatesHostVulnerabilityCveAndDetectionInPushOrder) {
  std::vector<std::string> names, files, selectors;
  for (const auto& type : cloud_mapping().object_types) {
    names.push_back(type.name);
    files.push_back(type.file);
    selectors.push_back(type.selector);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"Host", "Vulnerability", "CVE", "Detection"}));
  EXPECT_EQ(files, (std::vector<std::string>{"assets.csv", "vulnkb.csv", "cve.csv", "vm.csv"}));
  EXPECT_EQ(selectors,
            (std::vector<std::string>{"hosts", "vulnerabilities", "cves", "detections"}));
}

TEST(CloudMapping, EveryColumnItReadsIsInTheFilesHeader) {
  const std::map<std::string, std::span<const std::string_view>> headers = {
      {"assets.csv", jobs::kAssetsHeader},
      {"vulnkb.csv", jobs::kVulnKbHeader},
      {"cve.csv", jobs::kCveHeader},
      {"vm.csv", jobs::kVmHeader}};
  for (const auto& type : cloud_mapping().object_types) {
    const auto header = headers.at(type.file);
    for (const auto& attribute : type.attributes) {
      ASSERT_FALSE(attribute.columns.empty()) << attribute.name;
      for (const auto& column : attribute.columns) {
        EXPECT_NE(std::find(header.begin(), header.end(), column), header.end())
            << type.file << " has no column " << column;
      }
    }
  }
}

TEST(CloudMapping, HostIsIdentifiedByAssetIdAndCarriesTheVmHostId) {
  const auto mapping = cloud_mapping();
  const auto& host = type_named(mapping, "Host");
  const auto& asset_id = attribute_named(host, "Asset ID");
  EXPECT_TRUE(asset_id.identifier);
  EXPECT_EQ(asset_id.columns, std::vector<std::string>{"AssetID"});
  const auto& host_id = attribute_named(host, "Host ID");
  EXPECT_EQ(host_id.source, ValueSource::host_id_of_asset);
  EXPECT_FALSE(host_id.identifier);
  // Every asset column is an attribute.
  EXPECT_EQ(host.attributes.size(), jobs::kAssetsHeader.size() + 1);
  EXPECT_EQ(attribute_named(host, "Asset Created").type, AttributeType::date_time);
}

TEST(CloudMapping, DetectionIsIdentifiedByHostIdAndQidAndReferencesItsHostAndVulnerability) {
  const auto mapping = cloud_mapping();
  const auto& detection = type_named(mapping, "Detection");
  std::vector<std::string> identifiers;
  for (const auto& attribute : detection.attributes) {
    if (attribute.identifier) identifiers.push_back(attribute.name);
  }
  EXPECT_EQ(identifiers, (std::vector<std::string>{"Host ID", "QID"}));
  const auto& host = attribute_named(detection, "Host");
  EXPECT_EQ(host.type, AttributeType::referenced_object);
  EXPECT_EQ(host.referenced_type, type_named(mapping, "Host").external_id);
  EXPECT_EQ(host.locator, "hostId");
  EXPECT_EQ(host.object_mapping_aql, "\"Host ID\" = ${hostId}");
  const auto& vulnerability = attribute_named(detection, "Vulnerability");
  EXPECT_EQ(vulnerability.referenced_type, type_named(mapping, "Vulnerability").external_id);
  EXPECT_EQ(vulnerability.object_mapping_aql, "\"QID\" = ${qid}");
  EXPECT_EQ(attribute_named(type_named(mapping, "CVE"), "Vulnerability").object_mapping_aql,
            "\"QID\" = ${qid}");
  EXPECT_EQ(attribute_named(type_named(mapping, "Vulnerability"), "Severity").type,
            AttributeType::integer);
}

TEST(CloudMapping, EachTypeHasOneLabelAndIdentifiersThatAreNoReferences) {
  for (const auto& type : cloud_mapping().object_types) {
    int labels = 0, identifiers = 0;
    for (const auto& attribute : type.attributes) {
      labels += attribute.label ? 1 : 0;
      identifiers += attribute.identifier ? 1 : 0;
      if (attribute.identifier) {
        EXPECT_NE(attribute.type, AttributeType::referenced_object);
      }
    }
    EXPECT_EQ(labels, 1) << type.name;
    EXPECT_GE(identifiers, 1) << type.name;
  }
}

TEST(CloudMapping, ReferencesPointBackwardsAndTheirAqlNamesARealAttribute) {
  const auto mapping = cloud_mapping();
  std::set<std::string> earlier;
  for (const auto& type : mapping.object_types) {
    for (const auto& attribute : type.attributes) {
      if (attribute.type != AttributeType::referenced_object) continue;
      ASSERT_TRUE(earlier.contains(attribute.referenced_type)) << attribute.external_id;
      const ObjectTypeMapping* target = nullptr;
      for (const auto& t : mapping.object_types) {
        if (t.external_id == attribute.referenced_type) target = &t;
      }
      bool names_an_attribute = false;
      for (const auto& a : target->attributes) {
        names_an_attribute =
            names_an_attribute || attribute.object_mapping_aql.starts_with("\"" + a.name + "\" = ");
      }
      EXPECT_TRUE(names_an_attribute) << attribute.object_mapping_aql;
      EXPECT_TRUE(attribute.object_mapping_aql.ends_with("${" + attribute.locator + "}"));
    }
    earlier.insert(type.external_id);
  }
}

// What the 2023_10_19 JSON schema requires, checked on the document itself.
TEST(CloudMapping, DocumentHasEveryFieldTheFormatRequires) {
  rapidjson::Document doc;
  const std::string text = mapping_document(cloud_mapping());
  doc.Parse(text.c_str(), text.size());
  ASSERT_FALSE(doc.HasParseError());
  const auto& schema = doc["schema"]["objectSchema"];
  EXPECT_TRUE(schema["name"].IsString());
  EXPECT_TRUE(schema["description"].IsString());
  const std::set<std::string> types = {"text", "integer", "date_time", "referenced_object"};
  std::set<std::string> attribute_ids, type_ids;
  for (const auto& type : schema["objectTypes"].GetArray()) {
    EXPECT_TRUE(type_ids.insert(type["externalId"].GetString()).second);
    EXPECT_TRUE(type["description"].IsString());
    for (const auto& attribute : type["attributes"].GetArray()) {
      EXPECT_TRUE(attribute_ids.insert(attribute["externalId"].GetString()).second);
      EXPECT_TRUE(attribute["name"].IsString());
      EXPECT_TRUE(attribute["description"].IsString());
      EXPECT_TRUE(types.contains(attribute["type"].GetString()));
    }
  }
  EXPECT_EQ(type_ids.size(), 4u);
  for (const auto& mapping : doc["mapping"]["objectTypeMappings"].GetArray()) {
    EXPECT_TRUE(type_ids.contains(mapping["objectTypeExternalId"].GetString()));
    EXPECT_TRUE(mapping["objectTypeName"].IsString());
    EXPECT_TRUE(mapping["selector"].IsString());
    EXPECT_TRUE(mapping["description"].IsString());
    for (const auto& attribute : mapping["attributesMapping"].GetArray()) {
      EXPECT_TRUE(attribute_ids.contains(attribute["attributeExternalId"].GetString()));
      EXPECT_TRUE(attribute["attributeName"].IsString());
      EXPECT_EQ(attribute["attributeLocators"].Size(), 1u);
    }
  }
}

TEST(CloudMapping, DigestIsTheSha256OfTheCanonicalDocument) {
  const auto mapping = cloud_mapping();
  const std::string digest = mapping_digest(mapping);
  EXPECT_EQ(digest, qi::testing::sha256_hex(canonical_json(mapping_document(mapping))));
  EXPECT_EQ(digest.size(), 64u);
  EXPECT_EQ(digest, mapping_digest(cloud_mapping()));
}

TEST(CloudMapping, DigestChangesWhenTheMappingChanges) {
  auto mapping = cloud_mapping();
  const std::string before = mapping_digest(mapping);
  mapping.object_types.back().attributes.back().object_mapping_aql = "\"QID\" = ${QID}";
  EXPECT_NE(mapping_digest(mapping), before);
}

TEST(JsonDigest, IgnoresMemberOrderAndWhitespace) {
  EXPECT_EQ(canonical_json(R"( { "b" : [ 2, {"z":null,"a":true} ], "a" : "x\u00e9" } )"),
            "{\"a\":\"x\xC3\xA9\",\"b\":[2,{\"a\":true,\"z\":null}]}");
  EXPECT_EQ(json_digest(R"({"a":1,"b":2})"), json_digest("{ \"b\": 2,\n  \"a\": 1 }"));
  EXPECT_NE(json_digest(R"({"a":[1,2]})"), json_digest(R"({"a":[2,1]})"));
}

TEST(JsonDigest, RefusesTextThatIsNotJson) {
  EXPECT_THROW(json_digest("{\"a\":"), FatalError);
}

}  // namespace
}  // namespace qi::insight
