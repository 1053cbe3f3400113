// `convert` from saved API responses: the same rows the online jobs write, streamed, published
// atomically, and nothing published when an input is an error or incomplete.
#include "jobs/convert.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "common/error.hpp"
#include "simulated_qualys.hpp"

namespace qi::jobs {
namespace {

using testing::read_file;
using testing::TempDir;

const std::filesystem::path kFixtures = QI_FIXTURE_DIR;

TEST(Convert, KbWritesEveryQidAndEveryCvePairAcrossInputs) {
  TempDir out;
  auto files =
      convert_files(JobKind::kb,
                    {kFixtures / "kb_multi_cve.xml", kFixtures / "kb_empty_no_vuln_list.xml"},
                    out.path(), {})
          .files;
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].rows, 3u);
  EXPECT_EQ(files[1].rows, 4u);
  // Read off kb_multi_cve.xml by hand: CDATA kept verbatim (quotes doubled by CSV), the vendor
  // reference ID is not a CVE, QID 90002 has no CVE_LIST.
  EXPECT_EQ(read_file(out.path() / "vulnkb.csv"),
            "\"QID_KB\",\"Vulnerability\",\"Category\",\"SeverityLevel\"\n"
            "\"90001\",\"Example \"\"Quoted\"\" Server, Multiple Flaws\",\"Web server\",\"4\"\n"
            "\"90002\",\"  Padded <B>Title</B> & more  \",\"Information gathering\",\"1\"\n"
            "\"90003\",\"Plain & simple title\",\"Local\",\"3\"\n");
  EXPECT_EQ(read_file(out.path() / "cve.csv"),
            "\"QID_CVE\",\"CVE_ID\"\n"
            "\"90001\",\"CVE-2026-10001\"\n"
            "\"90001\",\"CVE-2026-10002\"\n"
            "\"90001\",\"CVE-2026-10003\"\n"
            "\"90003\",\"CVE-2025-99999\"\n");
}

TEST(Convert, VmWritesOneRowPerDistinctHostAndQid) {
  TempDir out;
  convert_files(JobKind::vm, {kFixtures / "hld_two_hosts.xml"}, out.path(), {});
  // Host 7100002 lists QID 90002 twice (two ports); host 7100003 has no detections.
  EXPECT_EQ(read_file(out.path() / "vm.csv"),
            "\"Host ID\",\"QG HostID\",\"QID\"\n"
            "\"7100001\",\"\",\"90001\"\n"
            "\"7100001\",\"\",\"90003\"\n"
            "\"7100002\",\"0a1b2c3d-0000-4000-8000-000000000002\",\"90002\"\n");
}

TEST(Convert, SaysTheLastInputIsOnePageOfALongerAnswerAndNamesTheNextPage) {
  TempDir out;
  auto conversion =
      convert_files(JobKind::vm, {kFixtures / "hld_truncated_warning.xml"}, out.path(), {});
  ASSERT_TRUE(conversion.incomplete);
  const auto& text = *conversion.incomplete;
  EXPECT_NE(text.find("hld_truncated_warning.xml is one page of a longer answer"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("WARNING 1980"), std::string::npos) << text;
  EXPECT_NE(text.find("the next page is https://qualysapi.example.test/api/5.0/fo/asset/host/vm/"
                      "detection/?action=list&truncation_limit=1&show_igs=0&id_min=7200002."),
            std::string::npos)
      << text;
  // The page's own host is still converted: the files are published.
  EXPECT_EQ(conversion.files.at(0).rows, 1u);
}

TEST(Convert, SaysNothingWhenTheTruncatedPageIsFollowedByTheNextPage) {
  TempDir out;
  const auto next = out.path() / "next.xml";
  std::ofstream(next) << "<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST><HOST><ID>7200002"
                         "</ID></HOST></HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>";
  const auto output = out.path() / "out";
  std::filesystem::create_directory(output);
  auto conversion =
      convert_files(JobKind::vm, {kFixtures / "hld_truncated_warning.xml", next}, output, {});
  EXPECT_FALSE(conversion.incomplete) << *conversion.incomplete;
  EXPECT_FALSE(
      convert_files(JobKind::vm, {kFixtures / "hld_two_hosts.xml"}, output, {}).incomplete);
}

TEST(Convert, ShowsTheNextPageUrlWithoutUserinfoOrControlCharacters) {
  TempDir out;
  auto page = read_file(kFixtures / "hld_truncated_warning.xml");
  const std::string host = "https://qualysapi.example.test/";
  page.replace(page.find(host), host.size(),
               "https://jdoe:s3cret@qualysapi.example.test/\tpath\nbreak/");
  const auto input = out.path() / "page.xml";
  std::ofstream(input) << page;
  const auto output = out.path() / "out";
  std::filesystem::create_directory(output);
  auto conversion = convert_files(JobKind::vm, {input}, output, {});
  ASSERT_TRUE(conversion.incomplete);
  const auto& text = *conversion.incomplete;
  EXPECT_EQ(text.find("s3cret"), std::string::npos) << text;
  EXPECT_EQ(text.find_first_of("\t\n"), std::string::npos) << text;
  EXPECT_NE(text.find("https://***@qualysapi.example.test/?path?break/api/5.0/"), std::string::npos)
      << text;
}

TEST(Convert, AssetsRendersNullsAsEmptyAndKeepsInt64Exact) {
  TempDir out;
  auto files =
      convert_files(JobKind::assets, {kFixtures / "csam_page_nulls.json"}, out.path(), {}).files;
  EXPECT_EQ(files.at(0).rows, 3u);
  const auto text = read_file(out.path() / "assets.csv");
  EXPECT_NE(text.find("\"9007199254740993\",\"11111111-2222-4333-8444-555555555555\""),
            std::string::npos);
  EXPECT_NE(
      text.find("\"77\",\"\",\"\",\"sparse\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"Unknown\""),
      std::string::npos);
  EXPECT_NE(text.find("\"CORP\\jdoe\""), std::string::npos);  // backslash kept by default
}

TEST(Convert, DoublesBackslashesWhenTheDialectAsks) {
  TempDir out;
  convert_files(JobKind::assets, {kFixtures / "csam_page_nulls.json"}, out.path(),
                {.dialect = output::CsvDialect{true}, .columns = {}});
  EXPECT_NE(read_file(out.path() / "assets.csv").find("\"CORP\\\\jdoe\""), std::string::npos);
}

TEST(Convert, PublishesNothingWhenAnInputIsAQualysError) {
  TempDir out;
  std::ofstream(out.path() / "vulnkb.csv") << "previous\n";
  try {
    convert_files(JobKind::kb,
                  {kFixtures / "kb_multi_cve.xml", kFixtures / "simple_return_2001.xml"},
                  out.path(), {});
    FAIL() << "expected an error";
  } catch (const FatalError& error) {
    EXPECT_EQ(error.qualys_code(), "2001");
    EXPECT_NE(std::string(error.what()).find("simple_return_2001.xml"), std::string::npos);
  }
  EXPECT_EQ(read_file(out.path() / "vulnkb.csv"), "previous\n");
  EXPECT_FALSE(std::filesystem::exists(out.path() / "cve.csv"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(out.path()),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(Convert, RejectsATruncatedDocumentNamingTheFile) {
  TempDir out;
  const auto whole = read_file(kFixtures / "kb_multi_cve.xml");
  const auto cut = out.path() / "cut.xml";
  std::ofstream(cut) << whole.substr(0, whole.size() / 2);
  try {
    convert_files(JobKind::kb, {cut}, out.path(), {});
    FAIL() << "expected an error";
  } catch (const FatalError& error) {
    EXPECT_NE(std::string(error.what()).find("cut.xml"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(std::filesystem::exists(out.path() / "vulnkb.csv"));
}

TEST(Convert, KbWritesOneRowPerDistinctNonBlankCveOfAQid) {
  TempDir out;
  const auto input = out.path() / "kb_eval.xml";
  // The CVE_LIST of an evaluation subscription's KB (an empty ID), plus one CVE listed twice.
  std::ofstream(input)
      << "<!DOCTYPE KNOWLEDGE_BASE_VULN_LIST_OUTPUT SYSTEM \"https://qualysapi.invalid/kb.dtd\">\n"
         "<KNOWLEDGE_BASE_VULN_LIST_OUTPUT><RESPONSE><VULN_LIST><VULN><QID>7</QID>"
         "<TITLE>t</TITLE><CVE_LIST>"
         "<CVE><ID><![CDATA[]]></ID><URL><![CDATA[]]></URL></CVE>"
         "<CVE><ID><![CDATA[CVE-2024-1]]></ID></CVE>"
         "<CVE><ID>\n   </ID></CVE>"
         "<CVE><ID><![CDATA[CVE-2024-1]]></ID></CVE>"
         "</CVE_LIST></VULN></VULN_LIST></RESPONSE></KNOWLEDGE_BASE_VULN_LIST_OUTPUT>\n";
  convert_files(JobKind::kb, {input}, out.path(), {});
  EXPECT_EQ(read_file(out.path() / "cve.csv"), "\"QID_CVE\",\"CVE_ID\"\n\"7\",\"CVE-2024-1\"\n");
}

TEST(Convert, RefusesADocumentWithAnEntityNamingTheFile) {
  TempDir out;
  const auto input = out.path() / "kb_entity.xml";
  std::ofstream(input)
      << "<!DOCTYPE KNOWLEDGE_BASE_VULN_LIST_OUTPUT SYSTEM \"https://qualysapi.invalid/kb.dtd\">\n"
         "<KNOWLEDGE_BASE_VULN_LIST_OUTPUT><RESPONSE><VULN_LIST><VULN><QID>7</QID>"
         "<TITLE>a&nbsp;b</TITLE></VULN></VULN_LIST></RESPONSE></KNOWLEDGE_BASE_VULN_LIST_OUTPUT>";
  try {
    convert_files(JobKind::kb, {input}, out.path(), {});
    FAIL() << "expected an error";
  } catch (const FatalError& error) {
    const std::string message = error.what();
    EXPECT_TRUE(message.starts_with(input.string() + ": refused XML at line 2: entity 'nbsp'"))
        << message;
  }
  EXPECT_FALSE(std::filesystem::exists(out.path() / "vulnkb.csv"));
}

TEST(Convert, NamesAMissingInput) {
  TempDir out;
  EXPECT_THROW(convert_files(JobKind::vm, {out.path() / "nope.xml"}, out.path(), {}), FatalError);
}

}  // namespace
}  // namespace qi::jobs
