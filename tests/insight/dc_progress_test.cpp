// Reading Data Center progress bodies in the documented shape and in the variants we tolerate.
#include "insight/dc_progress.hpp"

#include <gtest/gtest.h>

namespace qi::insight {
namespace {

using Phase = DcProgress::Phase;

TEST(DcProgress, ReadsTheDocumentedFieldsAndTheCountsInResultData) {
  const auto p = parse_dc_progress(
      R"({"status":"FINISHED","result":"OK","resultMessage":"done","progressInPercent":100,)"
      R"("startDate":"a","finishedDate":"b","executionUUID":"u",)"
      R"("resultData":{"objectsCreated":3,"objectsUpdated":4,"objectsFailed":0}})");
  EXPECT_EQ(p.phase(), Phase::finished);
  EXPECT_FALSE(p.failed_run());
  EXPECT_EQ(p.message, "done");
  EXPECT_EQ(p.counts(), "3 created, 4 updated, 0 failed");
}

TEST(DcProgress, ReadsCountsUnderOtherNamesAsStringsOrInsideAStringifiedResultData) {
  const auto p = parse_dc_progress(
      R"({"status":"DONE","resultData":"{\"entriesCreated\":\"7\",\"updated\":2}"})");
  EXPECT_EQ(p.created, 7);
  EXPECT_EQ(p.updated, 2);
  EXPECT_EQ(p.failed, std::nullopt);
  EXPECT_EQ(p.counts(), "7 created, 2 updated");
}

TEST(DcProgress, TellsRunningFromFinishedByStatusDatesOrPercent) {
  EXPECT_EQ(parse_dc_progress(R"({"status":"IN_PROGRESS","progressInPercent":40})").phase(),
            Phase::running);
  EXPECT_EQ(parse_dc_progress(R"({"startDate":"x","progressInPercent":40})").phase(),
            Phase::running);
  EXPECT_EQ(parse_dc_progress(R"({"status":"SOMETHING","finishedDate":"y"})").phase(),
            Phase::finished);
  EXPECT_EQ(parse_dc_progress(R"({"progressInPercent":100})").phase(), Phase::finished);
  EXPECT_EQ(parse_dc_progress(R"({"status":"NOT_STARTED","progressInPercent":0})").phase(),
            Phase::idle);
}

TEST(DcProgress, AFailedOrCancelledRunIsAFailure) {
  EXPECT_TRUE(parse_dc_progress(R"({"status":"FINISHED","result":"FAILED"})").failed_run());
  EXPECT_TRUE(parse_dc_progress(R"({"status":"ERROR"})").failed_run());
  EXPECT_TRUE(parse_dc_progress(R"({"status":"CANCELLED"})").failed_run());
  EXPECT_FALSE(parse_dc_progress(R"({"status":"FINISHED","result":"OK"})").failed_run());
}

TEST(DcProgress, KeepsTheFirstBytesOfABodyThatIsNotJsonOnOneLine) {
  const auto p = parse_dc_progress("<html>\n<body>Proxy error</body></html>");
  EXPECT_EQ(p.phase(), Phase::idle);
  EXPECT_EQ(p.said, "<html> <body>Proxy error</body></html>");
  EXPECT_EQ(parse_dc_progress(std::string(2000, 'x')).said.size(), 503u);
}

TEST(DcProgress, TellsANewRunFromThePreviousOneByItsExecutionOrStart) {
  const auto old_run = parse_dc_progress(R"({"executionUUID":"a","startDate":"1"})");
  EXPECT_FALSE(
      parse_dc_progress(R"({"executionUUID":"a","startDate":"1"})").other_run_than(old_run));
  EXPECT_TRUE(
      parse_dc_progress(R"({"executionUUID":"b","startDate":"2"})").other_run_than(old_run));
  EXPECT_TRUE(parse_dc_progress(R"({"status":"FINISHED"})").other_run_than(DcProgress{}));
}

}  // namespace
}  // namespace qi::insight
