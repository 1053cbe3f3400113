// The detection fields the vm.csv extra columns need: collected only when asked for, absent and
// empty elements alike left unknown, dates in any ISO-8601 spelling turned into seconds.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "parser_test_support.hpp"
#include "qualys/detection_parser.hpp"
#include "qualys/iso_time.hpp"

namespace qi::qualys {
namespace {

using testing::fixture;

std::vector<DetectionHost> parse(const std::string& doc, DetectionFields fields) {
  std::vector<DetectionHost> hosts;
  DetectionParser parser([&](DetectionHost&& host) { hosts.push_back(std::move(host)); }, fields);
  parser.feed(doc);
  parser.finish();
  return hosts;
}

constexpr DetectionFields kEverything{
    .details = true, .ip = true, .dns = true, .netbios = true, .os = true};

TEST(DetectionDetails, AreNotCollectedWithoutExtraColumns) {
  const auto hosts = parse(fixture("hld_extra_columns.xml"), {});
  ASSERT_EQ(hosts.size(), 2u);
  EXPECT_TRUE(hosts[0].details.empty());
  EXPECT_EQ(hosts[0].ip, "");
  EXPECT_EQ(hosts[0].os, "");
  EXPECT_EQ(hosts[0].qids, (std::vector<std::int64_t>{38170, 38170, 38170, 90001}));
}

TEST(DetectionDetails, CollectOnlyTheHostFieldsAskedFor) {
  const auto hosts = parse(fixture("hld_extra_columns.xml"), {.dns = true});
  ASSERT_EQ(hosts.size(), 2u);
  EXPECT_EQ(hosts[0].dns, "host-20.example.test");
  EXPECT_EQ(hosts[0].ip, "");
  EXPECT_TRUE(hosts[0].details.empty());
}

TEST(DetectionDetails, CollectTheHostFieldsFromCdata) {
  const auto hosts = parse(fixture("hld_extra_columns.xml"), kEverything);
  ASSERT_EQ(hosts.size(), 2u);
  EXPECT_EQ(hosts[0].ip, "192.0.2.20");
  EXPECT_EQ(hosts[0].os, "Windows 2008 R2 Enterprise Service Pack1");
  EXPECT_EQ(hosts[0].netbios, "HOST-20");
  EXPECT_EQ(hosts[1].dns, "");
  EXPECT_EQ(hosts[1].netbios, "");
}

TEST(DetectionDetails, FollowTheQidsOneDetectionEach) {
  const auto hosts = parse(fixture("hld_extra_columns.xml"), kEverything);
  ASSERT_EQ(hosts[0].details.size(), hosts[0].qids.size());
  const auto& d = hosts[0].details[0];
  EXPECT_EQ(d.qid, 38170);
  EXPECT_EQ(d.status, DetectionStatus::active);
  EXPECT_EQ(d.type, DetectionType::potential);
  EXPECT_EQ(d.severity, 2);
  EXPECT_EQ(d.port, 3389);
  EXPECT_EQ(d.qds, 20);
  EXPECT_EQ(d.times_found, 111);
  EXPECT_EQ(d.is_ignored, 1);
  EXPECT_EQ(d.is_disabled, 0);
  EXPECT_EQ(iso_from_seconds(d.first_found), "2025-01-26T04:45:50.000Z");
  EXPECT_EQ(d.last_fixed, Detection::kNone);
}

TEST(DetectionDetails, LeaveEmptyAndMissingElementsUnknown) {
  const auto hosts = parse(fixture("hld_extra_columns.xml"), kEverything);
  const auto& info = hosts[0].details[3];
  EXPECT_EQ(info.qid, 90001);
  EXPECT_EQ(info.port, -1);                       // <PORT></PORT>
  EXPECT_EQ(info.last_found, Detection::kNone);   // empty
  EXPECT_EQ(info.times_found, Detection::kNone);  // missing
  EXPECT_EQ(info.is_disabled, -1);
  EXPECT_EQ(info.qds, -1);
}

TEST(DetectionDetails, FailOnAStatusQualysDoesNotHave) {
  std::string doc = fixture("hld_extra_columns.xml");
  doc.replace(doc.find("<STATUS>New</STATUS>"), 20, "<STATUS>Open</STATUS>");
  EXPECT_THROW(parse(doc, kEverything), FatalError);
  EXPECT_NO_THROW(parse(doc, {}));  // not asked for: not read
}

TEST(DetectionDetails, FailOnADateThatIsNotIso8601) {
  std::string doc = fixture("hld_extra_columns.xml");
  doc.replace(doc.find("2026-01-13T03:48:50Z"), 20, "13/01/2026 03:48:50Z");
  EXPECT_THROW(parse(doc, kEverything), FatalError);
}

TEST(IsoTime, ReadsEverySpellingAsUtcSeconds) {
  EXPECT_EQ(parse_iso_seconds("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_iso_seconds(" 1970-01-02 "), 86400);
  EXPECT_EQ(parse_iso_seconds("1970-01-01T01:00:00.999+01:00"), 0);
  EXPECT_EQ(parse_iso_seconds("1970-01-01T00:00:00-0130"), 5400);
  EXPECT_EQ(parse_iso_seconds("1970-01-01T00:00:00"), 0);
}

TEST(IsoTime, RefusesWhatIsNotADate) {
  for (const char* text : {"", "2026-02-30", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00Q",
                           "2026-01-01T00:00:00.Z", "20260101", "2026-01-01 00:00:00"}) {
    EXPECT_FALSE(parse_iso_seconds(text)) << text;
  }
}

TEST(IsoTime, WritesSecondsWithZ) {
  EXPECT_EQ(iso_from_seconds(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso_from_seconds(1768470000), "2026-01-15T09:40:00.000Z");
}

}  // namespace
}  // namespace qi::qualys
