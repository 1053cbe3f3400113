#include "jobs/record_writers.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "simulated_qualys.hpp"

namespace qi::jobs {
namespace {

using testing::read_file;
using testing::TempDir;

qualys::KbVuln vuln(std::int64_t qid, std::string title, std::string category, std::string severity,
                    std::vector<std::string> cves) {
  qualys::KbVuln vuln;
  vuln.qid = qid;
  vuln.title = std::move(title);
  vuln.category = std::move(category);
  vuln.severity_level = std::move(severity);
  vuln.cves = std::move(cves);
  return vuln;
}

qualys::DetectionHost host(std::int64_t id, std::string qg_hostid, std::vector<std::int64_t> qids) {
  qualys::DetectionHost host;
  host.host_id = id;
  host.qg_hostid = std::move(qg_hostid);
  host.qids = std::move(qids);
  return host;
}

TEST(DetectionRowWriter, WritesEachQidOfAHostOnceInFirstSeenOrder) {
  TempDir dir;
  {
    auto csv = output::CsvWriter::create(dir.path() / "vm.csv");
    DetectionRowWriter rows(csv);
    rows.write(host(10, "guid", {5, 3, 5, 7, 3}));
    rows.write(host(11, "", {5}));
    csv.flush();
  }
  EXPECT_EQ(read_file(dir.path() / "vm.csv"),
            "\"10\",\"guid\",\"5\"\n\"10\",\"guid\",\"3\"\n\"10\",\"guid\",\"7\"\n"
            "\"11\",\"\",\"5\"\n");
}

TEST(DetectionRowWriter, RefusesHostsOutOfOrderInsteadOfWritingDuplicates) {
  TempDir dir;
  auto csv = output::CsvWriter::create(dir.path() / "vm.csv");
  DetectionRowWriter rows(csv);
  rows.write(host(20, "", {1}));
  EXPECT_THROW(rows.write(host(20, "", {2})), TransientError);
  EXPECT_THROW(rows.write(host(19, "", {2})), TransientError);
  rows.reset_last_host_id(std::nullopt);  // what a page retry does
  EXPECT_NO_THROW(rows.write(host(19, "", {2})));
}

TEST(DetectionRowWriter, WritesNothingForAHostWithoutDetections) {
  TempDir dir;
  auto csv = output::CsvWriter::create(dir.path() / "vm.csv");
  DetectionRowWriter rows(csv);
  rows.write(host(30, "", {}));
  EXPECT_EQ(csv.rows(), 0u);
  EXPECT_EQ(rows.hosts(), 1u);
}

TEST(KbRows, WritesOneCveRowPerCveAndNoneForAQidWithout) {
  TempDir dir;
  {
    auto vulnkb = output::CsvWriter::create(dir.path() / "vulnkb.csv");
    auto cve = output::CsvWriter::create(dir.path() / "cve.csv");
    write_kb_rows(vulnkb, cve, vuln(1, "T", "C", "5", {"CVE-1", "CVE-2"}));
    write_kb_rows(vulnkb, cve, vuln(2, "U", "D", "1", {}));
    EXPECT_EQ(vulnkb.rows(), 2u);
    EXPECT_EQ(cve.rows(), 2u);
    vulnkb.flush();
    cve.flush();
  }
  EXPECT_EQ(read_file(dir.path() / "cve.csv"), "\"1\",\"CVE-1\"\n\"1\",\"CVE-2\"\n");
}

TEST(KbRows, WritesOneCveRowPerDistinctNonBlankIdOfAQid) {
  // An evaluation subscription's KB has <CVE><ID><![CDATA[]]></ID></CVE>; a QID can list a CVE
  // twice. The same CVE under two QIDs is two pairs.
  TempDir dir;
  {
    auto vulnkb = output::CsvWriter::create(dir.path() / "vulnkb.csv");
    auto cve = output::CsvWriter::create(dir.path() / "cve.csv");
    write_kb_rows(vulnkb, cve, vuln(1, "T", "C", "5", {"", "CVE-1", " \t\r\n", "CVE-2", "CVE-1"}));
    write_kb_rows(vulnkb, cve, vuln(2, "U", "D", "1", {"CVE-1", "CVE-1"}));
    write_kb_rows(vulnkb, cve, vuln(3, "V", "E", "2", {""}));
    EXPECT_EQ(vulnkb.rows(), 3u);
    EXPECT_EQ(cve.rows(), 3u);
    vulnkb.flush();
    cve.flush();
  }
  EXPECT_EQ(read_file(dir.path() / "cve.csv"),
            "\"1\",\"CVE-1\"\n\"1\",\"CVE-2\"\n\"2\",\"CVE-1\"\n");
}

}  // namespace
}  // namespace qi::jobs
