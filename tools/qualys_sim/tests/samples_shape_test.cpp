// The simulator's payloads use the element and key names of the real captures in
// shared/samples/qualys (read when present, skipped otherwise): everything a sample has, the
// simulator has too.
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "qualys_sim/tests/sim_fixture.hpp"
#include "qualys_sim/tests/xml_check.hpp"

namespace qi::sim::testing {
namespace {

const std::filesystem::path kSamples = QI_SAMPLES_DIR;

std::string read_sample(const char* name) {
  std::ifstream in(kSamples / name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::set<std::string> names(const XmlDoc& doc, const std::string& xpath) {
  std::set<std::string> out;
  for (const auto& n : doc.names(xpath)) out.insert(n);
  return out;
}

std::set<std::string> missing(const std::set<std::string>& sample,
                              const std::set<std::string>& ours) {
  std::set<std::string> out;
  for (const auto& n : sample) {
    if (!ours.contains(n)) out.insert(n);
  }
  return out;
}

class SimulatorShape : public SimFixture {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kSamples)) GTEST_SKIP() << "no samples at " << kSamples;
    SimulatorOptions options;
    options.data.qids = 200;
    options.data.hosts = 30;
    start(options);
  }
};

TEST_F(SimulatorShape, KbVulnsHaveEveryElementOfTheRealSample) {
  const XmlDoc sample(read_sample("kb_vuln_list_multi_trimmed.xml"));
  const XmlDoc ours(client().v2("/api/2.0/fo/knowledge_base/vuln/", "action=list").body);
  ASSERT_TRUE(sample.well_formed() && ours.well_formed());
  EXPECT_EQ(missing(names(sample, "//VULN/*"), names(ours, "//VULN/*")), std::set<std::string>{});
  EXPECT_EQ(missing(names(sample, "//RESPONSE/*"), names(ours, "//RESPONSE/*")),
            std::set<std::string>{});
}

TEST_F(SimulatorShape, DetectionHostsHaveEveryElementOfTheRealFixture) {
  const XmlDoc sample(read_sample("hld_xml_multi_detection_fixture.xml"));
  const XmlDoc ours(
      client().v2("/api/2.0/fo/asset/host/vm/detection/", "action=list&show_results=1").body);
  ASSERT_TRUE(sample.well_formed() && ours.well_formed());
  EXPECT_EQ(missing(names(sample, "//HOST/*"), names(ours, "//HOST/*")), std::set<std::string>{});
  EXPECT_EQ(missing(names(sample, "//DETECTION/*"), names(ours, "//DETECTION/*")),
            std::set<std::string>{});
}

TEST_F(SimulatorShape, CsamAssetsHaveEveryCoreKeyOfTheSample) {
  rapidjson::Document sample;
  const std::string text = read_sample("csam_v2_search_asset_last_page_hasMore0_TRIMMED_MOCK.json");
  sample.Parse(text.c_str());
  ASSERT_FALSE(sample.HasParseError());
  std::set<std::string> envelope_sample, envelope_ours, asset_sample, asset_ours;
  for (const auto& m : sample.GetObject()) envelope_sample.insert(m.name.GetString());
  for (const auto& m : sample["assetListData"]["asset"][0].GetObject())
    asset_sample.insert(m.name.GetString());

  const auto response = client().gateway("/rest/2.0/search/am/asset?pageSize=3", client().login());
  rapidjson::Document ours;
  ours.Parse(response.body.c_str());
  ASSERT_FALSE(ours.HasParseError());
  for (const auto& m : ours.GetObject()) envelope_ours.insert(m.name.GetString());
  for (const auto& m : ours["assetListData"]["asset"][0].GetObject())
    asset_ours.insert(m.name.GetString());
  EXPECT_EQ(envelope_sample, envelope_ours);
  EXPECT_EQ(missing(asset_sample, asset_ours), std::set<std::string>{});
}

}  // namespace
}  // namespace qi::sim::testing
