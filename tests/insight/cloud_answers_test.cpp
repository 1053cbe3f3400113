// Reading Assets Cloud's answers (insight/cloud_answers.hpp).
#include "insight/cloud_answers.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace qi::insight {
namespace {

TEST(CloudAnswers, TheHostOfALinkIsComparedWithoutCaseOrTheDefaultPort) {
  EXPECT_EQ(url_host("https://API.Atlassian.com:443/jsm/x?y"), "api.atlassian.com");
  EXPECT_EQ(url_host("https://127.0.0.1:8443/a"), "127.0.0.1:8443");
  EXPECT_EQ(url_host("http://api.atlassian.com/a"), "");
  EXPECT_EQ(url_host("https://user@api.atlassian.com/a"), "");
  EXPECT_EQ(url_path("https://h:1/jsm/a/b?token=x"), "/jsm/a/b");
}

TEST(CloudAnswers, ALinkToAnotherHostIsRefusedNamingIt) {
  constexpr std::array<std::string_view, 1> required = {"start"};
  try {
    read_links(R"({"links":{"start":"https://elsewhere.test/x"}})", "discovery", "assets.test",
               required);
    FAIL();
  } catch (const FatalError& error) {
    EXPECT_NE(std::string(error.what()).find("the link start leads to elsewhere.test"),
              std::string::npos)
        << error.what();
  }
}

TEST(CloudAnswers, AMissingLinkIsNamed) {
  constexpr std::array<std::string_view, 2> required = {"start", "mapping"};
  EXPECT_THROW(
      read_links(R"({"links":{"start":"https://a.test/x"}})", "discovery", "a.test", required),
      FatalError);
}

TEST(CloudAnswers, ValidationErrorsAreQuotedUpToTenAndCountedBeyond) {
  std::string body = R"({"errorMessages":[],"dataValidationErrors":[)";
  for (int i = 0; i < 12; ++i) {
    body += (i ? "," : "") + std::string(R"({"code":"MISSING_FIELD","message":"m)") +
            std::to_string(i) + R"(","path":"p"})";
  }
  const std::string text = atlassian_errors(body + "]}");
  EXPECT_EQ(text.substr(0, 28), "MISSING_FIELD: m0 (p); MISSI");
  EXPECT_NE(text.find("m9 (p); and 2 more"), std::string::npos) << text;
  EXPECT_EQ(text.find("m10"), std::string::npos) << text;
}

TEST(CloudAnswers, AnExecutionWithOnlyTotalsGivesOneCount) {
  const auto status = read_execution_status(
      R"({"status":"DONE","progressResult":{"entriesCreated":3,"entriesUpdated":4,)"
      R"("entriesFailed":1}})");
  ASSERT_EQ(status.counts.size(), 1u);
  EXPECT_EQ(status.counts[0].what, "all objects");
  EXPECT_EQ(status.counts[0].created, 3);
  EXPECT_EQ(status.counts[0].updated, 4);
  EXPECT_EQ(status.counts[0].failed, 1);
}

}  // namespace
}  // namespace qi::insight
