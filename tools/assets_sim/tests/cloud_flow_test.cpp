// The Cloud external import end to end: discovery, the token, executions, data chunks, the
// status moving to DONE, the objects stored with their references, a second run, cancel.
#include "assets_sim/tests/assets_fixture.hpp"
#include "assets_sim/tests/test_mapping.hpp"

namespace qi::assets_sim::testing {
namespace {

const std::string kHosts =
    R"("hosts": [{"assetId": "A1", "hostId": 501, "name": "web"}, {"assetId": "A2", "hostId": 502}])";
const std::string kVulns = R"("vulnerabilities": [{"qid": 100, "title": "Old TLS"}])";
const std::string kDetections =
    R"("detections": [{"hostId": 501, "qid": 100}, {"hostId": 502, "qid": 100}])";

std::string chunk(const std::string& id, const std::string& data) {
  return R"({"data": {)" + data + R"(}, "clientGeneratedId": ")" + id + R"(", "completed": false})";
}
const std::string kCompleted = R"({"completed": true})";

class CloudImport : public AssetsFixture {
 protected:
  // PUT the mapping, start an execution; returns its id.
  std::string begin(bool put_mapping = true) {
    if (put_mapping) {
      EXPECT_EQ(cloud(Verb::put, "/mapping", kTestMapping).status, 200u);
    }
    const auto started = cloud(Verb::post, "/executions");
    EXPECT_EQ(started.status, 200u) << started.body;
    return text(json(started), "id");
  }
  ClientResponse data(const std::string& execution, const std::string& body) {
    return cloud(Verb::post, "/executions/" + execution + "/data", body);
  }
  ClientResponse done(const std::string& execution) {
    return poll([&] { return cloud(Verb::get, "/executions/" + execution + "/status"); },
                [](const auto& doc) { return text(doc, "status") == "DONE"; });
  }
  // The whole data set in two chunks and the closing one; returns the final status document.
  rapidjson::Document full_run(bool put_mapping) {
    const std::string execution = begin(put_mapping);
    EXPECT_EQ(data(execution, chunk("r-1", kHosts + "," + kVulns)).status, 200u);
    EXPECT_EQ(data(execution, chunk("r-2", kDetections)).status, 200u);
    EXPECT_EQ(data(execution, kCompleted).status, 200u);
    return json(done(execution));
  }
  static int type_count(const rapidjson::Document& status, const char* type, const char* field) {
    return status["progressResult"]["objectTypeResultMap"][type][field].GetInt();
  }
};

TEST_F(CloudImport, InfoReturnsLinksToThisServerBoundToTheImportSource) {
  const auto response =
      send(Verb::get, "/jsm/assets/v1/imports/info", "Bearer assets-container-token");
  ASSERT_EQ(response.status, 200u);
  const auto doc = json(response);
  const std::string base = "https://localhost:" + std::to_string(sim().port()) + kCloudBase;
  EXPECT_EQ(text(doc["links"], "getStatus"), base + "/configstatus");
  EXPECT_EQ(text(doc["links"], "start"), base + "/executions");
  EXPECT_EQ(text(doc["links"], "mapping"), base + "/mapping");
}

TEST_F(CloudImport, TheLinkHostCanBeConfigured) {
  auto options = fast_options();
  options.cloud.link_host = "api.atlassian.test";
  start(options);
  const auto doc =
      json(send(Verb::get, "/jsm/assets/v1/imports/info", "Bearer assets-container-token"));
  EXPECT_EQ(text(doc["links"], "start"), "https://api.atlassian.test" + kCloudBase + "/executions");
}

TEST_F(CloudImport, ARegeneratedTokenMakesTheOldOneGet401) {
  const std::string fresh = sim().regenerate_token();
  EXPECT_EQ(send(Verb::get, "/jsm/assets/v1/imports/info", "Bearer assets-container-token").status,
            401u);
  EXPECT_EQ(cloud(Verb::get, "/configstatus").status, 401u);
  EXPECT_EQ(cloud(Verb::get, "/configstatus", {}, fresh).status, 200u);
}

TEST_F(CloudImport, AnotherImportSourceIsForbiddenToTheToken) {
  const auto response =
      send(Verb::get, "/jsm/assets/workspace/5a7e0d1c-sim-workspace/v1/importsource/8/configstatus",
           "Bearer assets-container-token");
  EXPECT_EQ(response.status, 403u);
}

TEST_F(CloudImport, StartingWithoutAMappingIsRefused) {
  EXPECT_EQ(cloud(Verb::post, "/executions").status, 409u);
}

TEST_F(CloudImport, ARunningExecutionShowsInTheStatusAndBlocksASecondStart) {
  const std::string execution = begin();
  const auto doc = json(cloud(Verb::get, "/configstatus"));
  EXPECT_EQ(text(doc, "status"), "RUNNING");
  EXPECT_NE(text(doc["links"], "getExecutionStatus").find(execution + "/status"),
            std::string::npos);
  EXPECT_EQ(cloud(Verb::post, "/executions").status, 409u);
  EXPECT_EQ(cloud(Verb::put, "/mapping", kTestMapping).status, 409u);
}

TEST_F(CloudImport, AnExecutionMovesFromIngestingThroughProcessingToDone) {
  auto options = fast_options();
  options.cloud.processing_duration = std::chrono::milliseconds(1500);
  start(options);
  const std::string execution = begin();
  const auto status = [&] {
    return text(json(cloud(Verb::get, "/executions/" + execution + "/status")), "status");
  };
  EXPECT_EQ(status(), "INGESTING");
  ASSERT_EQ(data(execution, chunk("c-1", kHosts)).status, 200u);
  ASSERT_EQ(data(execution, kCompleted).status, 200u);
  EXPECT_EQ(status(), "PROCESSING");
  EXPECT_EQ(text(json(done(execution)), "status"), "DONE");
  EXPECT_EQ(text(json(cloud(Verb::get, "/configstatus")), "status"), "IDLE");
}

TEST_F(CloudImport, AFullRunCreatesEveryObjectWithItsReferences) {
  const auto status = full_run(true);
  EXPECT_EQ(status["progressResult"]["entriesCreated"].GetInt(), 5);
  EXPECT_EQ(status["progressResult"]["entriesUpdated"].GetInt(), 0);
  EXPECT_EQ(type_count(status, "host", "objectsCreated"), 2);
  EXPECT_EQ(type_count(status, "detection", "objectsCreated"), 2);
  const auto objects = sim().objects();
  ASSERT_EQ(objects.size(), 5u);
  const StoredObject& detection = objects[0];  // sorted: detection, host, vuln
  EXPECT_EQ(detection.object_type, "detection");
  EXPECT_EQ(detection.external_id, "501-100");
  EXPECT_EQ(detection.label, "501-100");
  EXPECT_EQ(detection.attributes.at("det-host"), std::vector<std::string>{"host/A1"});
  EXPECT_EQ(detection.attributes.at("det-vuln"), std::vector<std::string>{"vuln/100"});
  EXPECT_EQ(objects[2].attributes.at("host-name"), std::vector<std::string>{"web"});
  EXPECT_NE(sim().objects_json().find(R"("det-host":["host/A2"])"), std::string::npos);
}

TEST_F(CloudImport, ASecondRunOfTheSameDataUpdatesAndCreatesNothing) {
  full_run(true);
  const auto status = full_run(false);
  EXPECT_EQ(status["progressResult"]["entriesCreated"].GetInt(), 0);
  EXPECT_EQ(status["progressResult"]["entriesUpdated"].GetInt(), 5);
  EXPECT_EQ(type_count(status, "vuln", "objectsUpdated"), 1);
  EXPECT_EQ(sim().objects().size(), 5u);
}

TEST_F(CloudImport, ARepeatedClientGeneratedIdIsAcknowledgedButAppliedOnce) {
  const std::string execution = begin();
  ASSERT_EQ(data(execution, chunk("same", kHosts)).status, 200u);
  ASSERT_EQ(data(execution, chunk("same", kHosts)).status, 200u);
  ASSERT_EQ(data(execution, kCompleted).status, 200u);
  const auto status = json(done(execution));
  EXPECT_EQ(type_count(status, "host", "entriesInSource"), 2);
  EXPECT_EQ(status["chunksReceived"].GetInt(), 2);  // the hosts once, then completed
}

TEST_F(CloudImport, AChunkWithAnUnknownSelectorIsRefusedWhole) {
  const std::string execution = begin();
  const auto response = data(execution, chunk("c", kHosts + R"(, "servers": [{"id": 1}])"));
  EXPECT_EQ(response.status, 400u);
  EXPECT_EQ(error_codes(response), std::vector<std::string>{"UNKNOWN_SELECTOR"});
  ASSERT_EQ(data(execution, kCompleted).status, 200u);
  EXPECT_EQ(json(done(execution))["progressResult"]["entriesProcessed"].GetInt(), 0);
}

TEST_F(CloudImport, AnObjectWithoutItsIdentifierIsRefusedWithItsPath) {
  const std::string execution = begin();
  const auto response =
      data(execution, chunk("c", R"("hosts": [{"assetId": "A1"}, {"name": "x"}])"));
  EXPECT_EQ(response.status, 400u);
  EXPECT_EQ(error_codes(response), std::vector<std::string>{"MISSING_IDENTIFIER"});
  EXPECT_NE(response.body.find("$.data.hosts[1]"), std::string::npos);
}

TEST_F(CloudImport, AChunkAboveTheObjectCapIsRefused) {
  auto options = fast_options();
  options.cloud.max_chunk_objects = 2;
  start(options);
  const std::string execution = begin();
  const auto response = data(execution, chunk("c", kHosts + "," + kVulns));
  EXPECT_EQ(response.status, 400u);
  EXPECT_EQ(error_codes(response), std::vector<std::string>{"TOO_MANY_OBJECTS"});
  EXPECT_EQ(data(execution, chunk("d", kHosts)).status, 200u);
}

TEST_F(CloudImport, AChunkWithoutCompletedIsRefused) {
  const std::string execution = begin();
  const auto response = data(execution, R"({"data": {)" + kHosts + "}}");
  EXPECT_EQ(response.status, 400u);
  EXPECT_EQ(error_codes(response), std::vector<std::string>{"MISSING_REQUIRED_FIELD"});
}

TEST_F(CloudImport, AnUnresolvedReferenceOrAWrongTypeCountsTheObjectAsFailed) {
  const std::string execution = begin();
  ASSERT_EQ(data(execution, chunk("c", R"("hosts": [{"assetId": "A9", "hostId": "nine"}],
      "detections": [{"hostId": 777, "qid": 100}])"))
                .status,
            200u);
  ASSERT_EQ(data(execution, kCompleted).status, 200u);
  const auto status = json(done(execution));
  EXPECT_EQ(status["progressResult"]["entriesFailed"].GetInt(), 2);
  EXPECT_EQ(type_count(status, "host", "objectsFailed"), 1);
  const auto& messages =
      status["progressResult"]["objectTypeResultMap"]["detection"]["errorMessages"];
  ASSERT_EQ(messages.Size(), 1u);
  EXPECT_NE(std::string(messages[0].GetString()).find("777"), std::string::npos);
  EXPECT_TRUE(sim().objects().empty());
}

// The test mapping with a multi-valued text and a date_time attribute on Host.
std::string mapping_with_tags_and_dates() {
  std::string mapping = kTestMapping;
  const auto add = [&](const std::string& after, const std::string& text) {
    mapping.insert(mapping.find(after) + after.size(), text);
  };
  add(R"({"externalId": "host-name", "name": "Name", "type": "text"})",
      R"(, {"externalId": "host-tags", "name": "Tags", "type": "text", "maximumCardinality": -1},
      {"externalId": "host-seen", "name": "Seen", "type": "date_time"},
      {"externalId": "host-score", "name": "Score", "type": "double"})");
  add(R"({"attributeExternalId": "host-name", "attributeLocators": ["name"]})",
      R"(, {"attributeExternalId": "host-tags", "attributeLocators": ["tags"]},
      {"attributeExternalId": "host-seen", "attributeLocators": ["seen"]},
      {"attributeExternalId": "host-score", "attributeLocators": ["score"]})");
  return mapping;
}

TEST_F(CloudImport, SeveralValuesForASingleValuedAttributeOrABadDateFailTheObject) {
  ASSERT_EQ(cloud(Verb::put, "/mapping", mapping_with_tags_and_dates()).status, 200u);
  const std::string execution = begin(false);
  ASSERT_EQ(data(execution, chunk("c", R"("hosts": [
      {"assetId": "A1", "tags": ["a", "b"], "seen": "2026-01-02T03:04:05Z", "score": 7.5},
      {"assetId": "A2", "name": ["x", "y"]},
      {"assetId": "A3", "seen": "yesterday"},
      {"assetId": "A4", "seen": "2026-01-02"}])"))
                .status,
            200u);
  ASSERT_EQ(data(execution, kCompleted).status, 200u);
  const auto status = json(done(execution));
  EXPECT_EQ(type_count(status, "host", "objectsFailed"), 2);
  const auto& messages = status["progressResult"]["objectTypeResultMap"]["host"]["errorMessages"];
  ASSERT_EQ(messages.Size(), 2u);
  EXPECT_EQ(std::string(messages[0].GetString()),
            "A2: attribute Name: 2 values, at most 1 allowed");
  EXPECT_EQ(std::string(messages[1].GetString()),
            "A3: attribute Seen: 'yesterday' is not an ISO 8601 date and time");
  const auto objects = sim().objects();
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0].attributes.at("host-tags"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(objects[0].attributes.at("host-seen"),
            std::vector<std::string>{"2026-01-02T03:04:05Z"});
  EXPECT_EQ(objects[0].attributes.at("host-score"), std::vector<std::string>{"7.5"});
}

TEST_F(CloudImport, DataAfterTheLastChunkIsRefused) {
  const std::string execution = begin();
  ASSERT_EQ(data(execution, kCompleted).status, 200u);
  EXPECT_EQ(data(execution, chunk("late", kHosts)).status, 409u);
}

TEST_F(CloudImport, ProgressIsAcceptedAsAJsonObject) {
  const std::string execution = begin();
  const std::string path = "/executions/" + execution + "/progress";
  EXPECT_EQ(
      cloud(Verb::put, path,
            R"({"steps": {"total": 4, "current": 1}, "objects": {"total": 5, "processed": 2}})")
          .status,
      200u);
  EXPECT_EQ(cloud(Verb::put, path, "[1]").status, 400u);
}

TEST_F(CloudImport, CancelEndsTheExecutionAndStoresNothing) {
  const std::string execution = begin();
  ASSERT_EQ(data(execution, chunk("c", kHosts)).status, 200u);
  EXPECT_EQ(cloud(Verb::delete_, "/executions/" + execution).status, 204u);
  EXPECT_EQ(text(json(cloud(Verb::get, "/executions/" + execution + "/status")), "status"),
            "CANCELLED");
  EXPECT_EQ(text(json(cloud(Verb::get, "/configstatus")), "status"), "IDLE");
  EXPECT_EQ(data(execution, kCompleted).status, 409u);
  EXPECT_TRUE(sim().objects().empty());
}

TEST_F(CloudImport, AnUnknownExecutionGets404) {
  begin();
  EXPECT_EQ(cloud(Verb::get, "/executions/nope/status").status, 404u);
}

}  // namespace
}  // namespace qi::assets_sim::testing
