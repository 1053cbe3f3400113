// The schema and mapping the Cloud tests put: Host (identified by its asset ID, with a host ID),
// Vulnerability (QID) and Detection (host ID + QID) referencing both, in the 2023_10_19 format.
#pragma once

#include <string>

namespace qi::assets_sim::testing {

inline const std::string kTestMapping = R"({
 "schema": {"objectSchema": {"name": "Qualys", "description": "assets-sim tests", "objectTypes": [
  {"externalId": "host", "name": "Host", "attributes": [
   {"externalId": "host-asset-id", "name": "Asset ID", "type": "text", "label": true},
   {"externalId": "host-id", "name": "Host ID", "type": "integer"},
   {"externalId": "host-name", "name": "Name", "type": "text"}]},
  {"externalId": "vuln", "name": "Vulnerability", "attributes": [
   {"externalId": "vuln-qid", "name": "QID", "type": "integer", "label": true},
   {"externalId": "vuln-title", "name": "Title", "type": "text"}]},
  {"externalId": "detection", "name": "Detection", "attributes": [
   {"externalId": "det-key", "name": "Key", "type": "text", "label": true},
   {"externalId": "det-host", "name": "Host", "type": "referenced_object",
    "referenceObjectTypeExternalId": "host"},
   {"externalId": "det-vuln", "name": "Vulnerability", "type": "referenced_object",
    "referenceObjectTypeExternalId": "vuln", "maximumCardinality": 1}]}]}},
 "mapping": {"objectTypeMappings": [
  {"objectTypeExternalId": "host", "selector": "hosts", "attributesMapping": [
   {"attributeExternalId": "host-asset-id", "attributeLocators": ["assetId"], "externalIdPart": true},
   {"attributeExternalId": "host-id", "attributeLocators": ["hostId"]},
   {"attributeExternalId": "host-name", "attributeLocators": ["name"]}]},
  {"objectTypeExternalId": "vuln", "selector": "vulnerabilities", "attributesMapping": [
   {"attributeExternalId": "vuln-qid", "attributeLocators": ["qid"], "externalIdPart": true},
   {"attributeExternalId": "vuln-title", "attributeLocators": ["title"]}]},
  {"objectTypeExternalId": "detection", "selector": "detections", "attributesMapping": [
   {"attributeExternalId": "det-key", "attributeLocators": ["hostId", "qid"], "externalIdPart": true},
   {"attributeExternalId": "det-host", "attributeLocators": ["hostId"],
    "objectMappingIQL": "\"Host ID\" = ${hostId}"},
   {"attributeExternalId": "det-vuln", "attributeLocators": ["qid"],
    "objectMappingIQL": "\"QID\" = ${qid}"}]}]}
})";

}  // namespace qi::assets_sim::testing
