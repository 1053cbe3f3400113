// The simulator's payloads use the element and key names of the real responses: everything a
// document of our fixtures (tests/fixtures/qualys) has, the simulator has too; and the same for
// the captured samples of ../shared/samples/qualys when that directory exists beside the
// repository (docs/qualys-api.md names their quirks).
#include <rapidjson/document.h>

#include <filesystem>
#include <set>

#include "qualys_sim/tests/sim_fixture.hpp"
#include "qualys_sim/tests/xml_check.hpp"
#include "support/read_file.hpp"

namespace qi::sim::testing {
namespace {

// Where the documents of one corpus are, and which of them shows each payload.
struct Corpus {
  std::string name;
  std::filesystem::path dir;
  std::string kb, detections, csam_page;
};

void PrintTo(const Corpus& corpus, std::ostream* out) {
  *out << corpus.name;
}

std::vector<Corpus> corpora() {
  std::vector<Corpus> out{
      {"fixtures", QI_FIXTURE_DIR, "kb_multi_cve.xml", "hld_two_hosts.xml", "csam_page_last.json"}};
  if (std::filesystem::is_directory(QI_SAMPLES_DIR)) {
    out.push_back({"shared_samples", QI_SAMPLES_DIR, "kb_vuln_list_multi_trimmed.xml",
                   "hld_xml_multi_detection_fixture.xml",
                   "csam_v2_search_asset_last_page_hasMore0_TRIMMED_MOCK.json"});
  }
  return out;
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

class SimulatorShape : public SimFixture, public ::testing::WithParamInterface<Corpus> {
 protected:
  static std::string read_sample(const std::string& name) {
    return qi::testing::read_file(GetParam().dir / name);
  }

  void SetUp() override {
    SimulatorOptions options;
    options.data.qids = 200;
    options.data.hosts = 30;
    start(options);
  }
};

TEST_P(SimulatorShape, KbVulnsHaveEveryElementOfTheRealSample) {
  const XmlDoc sample(read_sample(GetParam().kb));
  const XmlDoc ours(client().v2("/api/2.0/fo/knowledge_base/vuln/", "action=list").body);
  ASSERT_TRUE(sample.well_formed() && ours.well_formed());
  EXPECT_EQ(missing(names(sample, "//VULN/*"), names(ours, "//VULN/*")), std::set<std::string>{});
  EXPECT_EQ(missing(names(sample, "//RESPONSE/*"), names(ours, "//RESPONSE/*")),
            std::set<std::string>{});
}

TEST_P(SimulatorShape, DetectionHostsHaveEveryElementOfTheRealFixture) {
  const XmlDoc sample(read_sample(GetParam().detections));
  const XmlDoc ours(
      client().v2("/api/2.0/fo/asset/host/vm/detection/", "action=list&show_results=1").body);
  ASSERT_TRUE(sample.well_formed() && ours.well_formed());
  EXPECT_EQ(missing(names(sample, "//HOST/*"), names(ours, "//HOST/*")), std::set<std::string>{});
  EXPECT_EQ(missing(names(sample, "//DETECTION/*"), names(ours, "//DETECTION/*")),
            std::set<std::string>{});
}

TEST_P(SimulatorShape, CsamAssetsHaveEveryCoreKeyOfTheSample) {
  rapidjson::Document sample;
  const std::string text = read_sample(GetParam().csam_page);
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

INSTANTIATE_TEST_SUITE_P(Corpora, SimulatorShape, ::testing::ValuesIn(corpora()),
                         [](const ::testing::TestParamInfo<Corpus>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace
}  // namespace qi::sim::testing
