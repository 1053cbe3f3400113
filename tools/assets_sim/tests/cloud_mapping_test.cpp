// The mapping document's checks, directly and through PUT {mapping}.
#include "assets_sim/cloud_mapping.hpp"

#include <variant>

#include "assets_sim/tests/assets_fixture.hpp"
#include "assets_sim/tests/test_mapping.hpp"

namespace qi::assets_sim::testing {
namespace {

std::vector<std::string> codes_of(const std::string& document) {
  auto parsed = parse_mapping(document);
  std::vector<std::string> codes;
  if (auto* errors = std::get_if<std::vector<ValidationError>>(&parsed)) {
    for (const auto& e : *errors) codes.push_back(e.code);
  }
  return codes;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(CloudMapping, TheTestMappingIsValidWithThreeTypesAndTheirIdentifiers) {
  auto parsed = parse_mapping(kTestMapping);
  ASSERT_TRUE(std::holds_alternative<Mapping>(parsed)) << codes_of(kTestMapping).front();
  const auto& mapping = std::get<Mapping>(parsed);
  ASSERT_EQ(mapping.types.size(), 3u);
  ASSERT_EQ(mapping.mappings.size(), 3u);
  EXPECT_EQ(mapping.mappings[2].selector, "detections");
  EXPECT_EQ(mapping.type("detection")->attribute("det-host")->reference_type, "host");
}

TEST(CloudMapping, ABodyThatIsNotJsonIsRefused) {
  EXPECT_EQ(codes_of("{not json"), std::vector<std::string>{"INVALID_JSON"});
}

TEST(CloudMapping, AMissingRequiredFieldIsNamedWithItsPath) {
  auto parsed = parse_mapping(replaced(kTestMapping, R"("selector": "hosts", )", ""));
  const auto& errors = std::get<std::vector<ValidationError>>(parsed);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, "MISSING_REQUIRED_FIELD");
  EXPECT_EQ(errors[0].path, "mapping.objectTypeMappings[0].selector");
}

TEST(CloudMapping, AFieldOfTheWrongTypeIsRefused) {
  EXPECT_EQ(codes_of(replaced(kTestMapping, R"("name": "Asset ID", "type": "text", "label": true)",
                              R"("name": "Asset ID", "type": "text", "label": "yes")")),
            (std::vector<std::string>{"INVALID_TYPE", "INVALID_VALUE"}));
}

TEST(CloudMapping, AnUnknownAttributeTypeIsRefused) {
  EXPECT_EQ(codes_of(replaced(kTestMapping, R"("type": "integer"})", R"("type": "number"})")),
            std::vector<std::string>{"INVALID_VALUE"});
}

TEST(CloudMapping, AMappingOfAnUnknownObjectTypeIsAnUnknownExternalIdMapping) {
  EXPECT_EQ(codes_of(replaced(kTestMapping, R"("objectTypeExternalId": "vuln")",
                              R"("objectTypeExternalId": "qid")")),
            std::vector<std::string>{"UNKNOWN_EXTERNAL_ID_MAPPING"});
}

TEST(CloudMapping, AMappingOfAnUnknownAttributeIsAnUnknownExternalIdMapping) {
  EXPECT_EQ(codes_of(replaced(kTestMapping, R"("attributeExternalId": "vuln-title")",
                              R"("attributeExternalId": "vuln-name")")),
            std::vector<std::string>{"UNKNOWN_EXTERNAL_ID_MAPPING"});
}

TEST(CloudMapping, AReferenceToAnUnknownObjectTypeIsRefused) {
  EXPECT_EQ(codes_of(replaced(kTestMapping, R"("referenceObjectTypeExternalId": "host")",
                              R"("referenceObjectTypeExternalId": "server")")),
            std::vector<std::string>{"UNKNOWN_EXTERNAL_ID_MAPPING"});
}

TEST(CloudMapping, AReferenceMappingWithoutObjectMappingIqlIsRefused) {
  EXPECT_EQ(codes_of(replaced(kTestMapping, R"(,
    "objectMappingIQL": "\"QID\" = ${qid}")",
                              "")),
            std::vector<std::string>{"MISSING_REQUIRED_FIELD"});
}

TEST(CloudMapping, AnObjectTypeMappingWithoutIdentifierIsRefused) {
  EXPECT_EQ(codes_of(replaced(kTestMapping, R"(["qid"], "externalIdPart": true)", R"(["qid"])")),
            std::vector<std::string>{"MISSING_IDENTIFIER"});
}

TEST(CloudMapping, AnObjectTypeNeedsExactlyOneLabel) {
  EXPECT_EQ(codes_of(replaced(kTestMapping, R"("type": "integer", "label": true)",
                              R"("type": "integer")")),
            std::vector<std::string>{"INVALID_VALUE"});
}

class CloudMappingEndpoint : public AssetsFixture {};

TEST_F(CloudMappingEndpoint, AnInvalidMappingGets400WithDataValidationErrorsAndIsNotKept) {
  const auto response =
      cloud(Verb::put, "/mapping",
            replaced(kTestMapping, R"("type": "integer"})", R"("type": "number"})"));
  EXPECT_EQ(response.status, 400u);
  EXPECT_EQ(error_codes(response), std::vector<std::string>{"INVALID_VALUE"});
  EXPECT_EQ(text(json(cloud(Verb::get, "/configstatus")), "status"), "MISSING_MAPPING");
  EXPECT_EQ(cloud(Verb::get, "/mapping").status, 404u);
}

TEST_F(CloudMappingEndpoint, AValidMappingMakesTheSourceIdleAndReadsBackAsPut) {
  EXPECT_EQ(text(json(cloud(Verb::get, "/configstatus")), "status"), "MISSING_MAPPING");
  ASSERT_EQ(cloud(Verb::put, "/mapping", kTestMapping).status, 200u);
  EXPECT_EQ(text(json(cloud(Verb::get, "/configstatus")), "status"), "IDLE");
  EXPECT_EQ(cloud(Verb::get, "/mapping").body, kTestMapping);
}

TEST_F(CloudMappingEndpoint, ADisabledSourceSaysDisabled) {
  sim().set_cloud_disabled(true);
  EXPECT_EQ(text(json(cloud(Verb::get, "/configstatus")), "status"), "DISABLED");
  EXPECT_EQ(cloud(Verb::post, "/executions").status, 409u);
}

}  // namespace
}  // namespace qi::assets_sim::testing
