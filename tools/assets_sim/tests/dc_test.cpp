// The Data Center side: both REST roots, both kinds of authentication, progress that moves, the
// running import, the counts of a second run, and the refusals (401, 403, 404, 409).
#include "assets_sim/tests/assets_fixture.hpp"
#include "qualys_sim/tests/sim_client.hpp"

namespace qi::assets_sim::testing {
namespace {

const std::string kAssets = "/rest/assets/1.0/";
const std::string kInsight = "/rest/insight/1.0/";

class DcImport : public AssetsFixture {
 protected:
  ClientResponse finished(const std::string& root, std::int64_t id) {
    return poll(
        [&] { return dc(Verb::get, root + "progress/category/imports/" + std::to_string(id)); },
        [](const auto& doc) { return text(doc, "status") == "FINISHED"; });
  }
};

TEST_F(DcImport, ProgressOfAnImportSourceNeverRunSaysNotStarted) {
  const auto response = dc(Verb::get, kAssets + "progress/category/imports/11");
  ASSERT_EQ(response.status, 200u);
  const auto doc = json(response);
  EXPECT_EQ(text(doc, "status"), "NOT_STARTED");
  EXPECT_EQ(text(doc, "resourceId"), "11");
  EXPECT_EQ(text(doc, "category"), "imports");
}

TEST_F(DcImport, AStartedImportMovesFromInProgressToFinishedWithCreatedCounts) {
  const auto started = dc(Verb::post, kAssets + "import/start/12");
  ASSERT_EQ(started.status, 200u) << started.body;
  EXPECT_EQ(text(json(started), "status"), "IN_PROGRESS");
  const auto done = finished(kAssets, 12);
  const auto doc = json(done);
  ASSERT_EQ(text(doc, "status"), "FINISHED") << done.body;
  EXPECT_EQ(text(doc, "result"), "OK");
  EXPECT_EQ(doc["progressInPercent"].GetInt(), 100);
  EXPECT_FALSE(text(doc, "finishedDate").empty());
  EXPECT_EQ(doc["resultData"]["objectsCreated"].GetInt(), 20);
  EXPECT_EQ(doc["resultData"]["objectsUpdated"].GetInt(), 0);
}

TEST_F(DcImport, ASecondRunReportsUpdatesNotCreates) {
  ASSERT_EQ(dc(Verb::post, kAssets + "import/start/11").status, 200u);
  finished(kAssets, 11);
  ASSERT_EQ(dc(Verb::post, kAssets + "import/start/11").status, 200u);
  const auto doc = json(finished(kAssets, 11));
  EXPECT_EQ(doc["resultData"]["objectsCreated"].GetInt(), 0);
  EXPECT_EQ(doc["resultData"]["objectsUpdated"].GetInt(), 10);
}

TEST_F(DcImport, BasicAuthWorksOnTheDeprecatedInsightRoot) {
  const auto basic = qi::sim::testing::SimClient::basic_auth("jira-user", "jira-password");
  const auto response = dc(Verb::post, kInsight + "import/start/13", basic);
  EXPECT_EQ(response.status, 200u) << response.body;
  EXPECT_EQ(sim().dc_starts(), std::vector<std::int64_t>{13});
}

TEST_F(DcImport, ASwitchedOffRootAnswers404WhileTheOtherServes) {
  auto options = fast_options();
  options.dc.assets_root = false;
  start(options);
  EXPECT_EQ(dc(Verb::get, kAssets + "progress/category/imports/11").status, 404u);
  EXPECT_EQ(dc(Verb::get, kInsight + "progress/category/imports/11").status, 200u);
}

TEST_F(DcImport, AWrongPasswordOrTokenGets401) {
  const auto basic = qi::sim::testing::SimClient::basic_auth("jira-user", "wrong");
  EXPECT_EQ(dc(Verb::get, kAssets + "progress/category/imports/11", basic).status, 401u);
  EXPECT_EQ(dc(Verb::get, kAssets + "progress/category/imports/11", "Bearer old-pat").status, 401u);
  EXPECT_EQ(dc(Verb::get, kAssets + "progress/category/imports/11", "").status, 401u);
  EXPECT_EQ(sim().stats().auth_failed, 3u);
}

TEST_F(DcImport, APostWithoutTheXsrfHeaderGets403) {
  const auto response = send(Verb::post, kAssets + "import/start/11", "Bearer jira-pat", {}, false);
  EXPECT_EQ(response.status, 403u);
  EXPECT_NE(response.body.find("XSRF check failed"), std::string::npos);
  EXPECT_TRUE(sim().dc_starts().empty());
}

TEST_F(DcImport, AnUnknownImportSourceGets404NamingIt) {
  const auto response = dc(Verb::post, kAssets + "import/start/99");
  EXPECT_EQ(response.status, 404u);
  EXPECT_NE(response.body.find("99"), std::string::npos);
  EXPECT_EQ(dc(Verb::get, kAssets + "progress/category/imports/99").status, 404u);
}

TEST_F(DcImport, AnImportAlreadyRunningIsReportedAndCannotBeStartedAgain) {
  auto options = fast_options();
  options.dc.step_duration = std::chrono::seconds(60);
  options.dc.running_at_start = {14};
  start(options);
  EXPECT_EQ(text(json(dc(Verb::get, kAssets + "progress/category/imports/14")), "status"),
            "IN_PROGRESS");
  EXPECT_EQ(dc(Verb::post, kAssets + "import/start/14").status, 409u);
  EXPECT_TRUE(sim().dc_starts().empty());
}

TEST_F(DcImport, StartsAreRecordedInTheOrderTheyWereAccepted) {
  for (const int id : {11, 12, 13}) {
    ASSERT_EQ(dc(Verb::post, kAssets + "import/start/" + std::to_string(id)).status, 200u);
  }
  ASSERT_EQ(dc(Verb::post, kInsight + "import/start/14").status, 200u);
  EXPECT_EQ(sim().dc_starts(), (std::vector<std::int64_t>{11, 12, 13, 14}));
}

TEST_F(DcImport, AFailedRunFaultEndsTheRunWithResultFailed) {
  sim().add_fault(parse_fault_spec("dc-start:failed-run"));
  ASSERT_EQ(dc(Verb::post, kAssets + "import/start/11").status, 200u);
  const auto doc = json(finished(kAssets, 11));
  EXPECT_EQ(text(doc, "result"), "FAILED");
  EXPECT_EQ(doc["resultData"]["objectsFailed"].GetInt(), 10);
}

}  // namespace
}  // namespace qi::assets_sim::testing
