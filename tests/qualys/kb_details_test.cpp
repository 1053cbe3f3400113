// The KB fields the vulnkb.csv extra columns need: collected only when asked for, trimmed,
// dates as seconds, list entries bounded like the CVEs.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "parser_test_support.hpp"
#include "qualys/iso_time.hpp"
#include "qualys/kb_parser.hpp"

namespace qi::qualys {
namespace {

using testing::fixture;

std::vector<KbVuln> parse(const std::string& doc, KbFields fields) {
  std::vector<KbVuln> vulns;
  KbParser parser([&](KbVuln&& vuln) { vulns.push_back(std::move(vuln)); }, fields);
  parser.feed(doc);
  parser.finish();
  return vulns;
}

constexpr KbFields kEverything{.vuln_type = true,
                               .published = true,
                               .last_modified = true,
                               .patchable = true,
                               .cvss_v2_base = true,
                               .cvss_v3_base = true,
                               .cvss_v3_vector = true,
                               .pci_flag = true,
                               .threat_intel = true,
                               .vendor_references = true};

const std::string kVuln = R"(<?xml version="1.0" encoding="UTF-8" ?>
<KNOWLEDGE_BASE_VULN_LIST_OUTPUT><RESPONSE><VULN_LIST><VULN>
  <QID>5</QID><VULN_TYPE>Vulnerability</VULN_TYPE><TITLE>t</TITLE>
  <LAST_SERVICE_MODIFICATION_DATETIME>2026-01-02T03:04:05Z</LAST_SERVICE_MODIFICATION_DATETIME>
  <PUBLISHED_DATETIME>
    2025-01-02T03:04:05Z
  </PUBLISHED_DATETIME>
  <PATCHABLE>1</PATCHABLE>
  <VENDOR_REFERENCE_LIST><VENDOR_REFERENCE><ID><![CDATA[MS26-001]]></ID></VENDOR_REFERENCE>
  <VENDOR_REFERENCE><ID><![CDATA[]]></ID></VENDOR_REFERENCE></VENDOR_REFERENCE_LIST>
  <CVE_LIST><CVE><ID><![CDATA[CVE-2026-1]]></ID></CVE></CVE_LIST>
  <CVSS><BASE source="service">7.5</BASE><TEMPORAL>6.1</TEMPORAL></CVSS>
  <CVSS_V3><BASE>9.8</BASE><VECTOR_STRING>CVSS:3.1/AV:N</VECTOR_STRING></CVSS_V3>
  <PCI_FLAG>0</PCI_FLAG>
  <THREAT_INTELLIGENCE><THREAT_INTEL id="1"><![CDATA[Exploit_Public]]></THREAT_INTEL>
  <THREAT_INTEL id="2"><![CDATA[Ransomware]]></THREAT_INTEL></THREAT_INTELLIGENCE>
</VULN></VULN_LIST></RESPONSE></KNOWLEDGE_BASE_VULN_LIST_OUTPUT>
)";

TEST(KbDetails, AreNotCollectedWithoutExtraColumns) {
  const auto vulns = parse(kVuln, {});
  ASSERT_EQ(vulns.size(), 1u);
  EXPECT_EQ(vulns[0].vuln_type, "");
  EXPECT_TRUE(vulns[0].vendor_references.empty());
  EXPECT_EQ(vulns[0].cves, (std::vector<std::string>{"CVE-2026-1"}));
}

TEST(KbDetails, CollectEveryFieldAskedFor) {
  const auto vulns = parse(kVuln, kEverything);
  ASSERT_EQ(vulns.size(), 1u);
  const auto& v = vulns[0];
  EXPECT_EQ(v.vuln_type, "Vulnerability");
  EXPECT_EQ(iso_from_seconds(v.published), "2025-01-02T03:04:05.000Z");
  EXPECT_EQ(iso_from_seconds(v.last_modified), "2026-01-02T03:04:05.000Z");
  EXPECT_EQ(v.patchable, "1");
  EXPECT_EQ(v.cvss_v2_base, "7.5");
  EXPECT_EQ(v.cvss_v3_base, "9.8");
  EXPECT_EQ(v.cvss_v3_vector, "CVSS:3.1/AV:N");
  EXPECT_EQ(v.pci_flag, "0");
  EXPECT_EQ(v.threat_intel, (std::vector<std::string>{"Exploit_Public", "Ransomware"}));
  // The empty CDATA reference is none; vendor IDs stay out of the CVEs.
  EXPECT_EQ(v.vendor_references, (std::vector<std::string>{"MS26-001"}));
  EXPECT_EQ(v.cves, (std::vector<std::string>{"CVE-2026-1"}));
}

TEST(KbDetails, CollectOnlyTheFieldsAskedFor) {
  const auto vulns = parse(kVuln, {.cvss_v3_base = true});
  EXPECT_EQ(vulns[0].cvss_v3_base, "9.8");
  EXPECT_EQ(vulns[0].cvss_v2_base, "");
  EXPECT_EQ(vulns[0].published, -1);
}

TEST(KbDetails, FailOnADateThatIsNotIso8601) {
  std::string doc = kVuln;
  doc.replace(doc.find("2025-01-02T03:04:05Z"), 20, "Jan 2, 2025 03:04:05");
  EXPECT_THROW(parse(doc, kEverything), FatalError);
  EXPECT_NO_THROW(parse(doc, {}));
}

}  // namespace
}  // namespace qi::qualys
