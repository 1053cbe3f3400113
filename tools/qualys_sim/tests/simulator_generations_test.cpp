// The simulator serving data that changes over time: every endpoint and the oracle agree at each
// generation, the incremental filters return exactly the records a step touched, malformed dates
// are refused like Qualys does, and a running simulator mutates through its API and /__sim/mutate.
#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "qualys_sim/expected_csv.hpp"
#include "qualys_sim/sim_util.hpp"
#include "qualys_sim/tests/served_rows.hpp"
#include "qualys_sim/tests/sim_fixture.hpp"
#include "qualys_sim/tests/xml_check.hpp"
#include "support/temp_dir.hpp"

namespace qi::sim::testing {
namespace {

constexpr const char* kKb = "/api/4.0/fo/knowledge_base/vuln/";
constexpr const char* kHld = "/api/5.0/fo/asset/host/vm/detection/";
constexpr const char* kHostList = "/api/5.0/fo/asset/host/";
constexpr const char* kAllDetections =
    "action=list&show_igs=1&include_ignored=1&include_disabled=1&status=New,Active,Re-Opened,Fixed";

SimulatorOptions options_at(int generations) {
  SimulatorOptions options;
  options.data.seed = 17;
  options.data.assets = 120;
  options.data.qids = 150;
  options.data.hosts = 120;
  options.data.detections_per_host = 4;
  append_past_generations(options.data, generations);
  return options;
}

std::string after(const DataSpec& spec, int step, int offset_seconds = 0) {
  return iso_utc(
      *parse_iso_utc(spec.generation_times[static_cast<std::size_t>(step - 1)]) + offset_seconds,
      false);
}

std::string code_of(const ClientResponse& response) {
  return XmlDoc(response.body).text("/SIMPLE_RETURN/RESPONSE/CODE");
}

// ---- the oracle and the endpoints agree at every generation ----

class SimulatorAtGeneration : public SimFixture, public ::testing::WithParamInterface<int> {
 protected:
  void SetUp() override {
    start(options_at(GetParam()));
    spec_ = sim().data();
  }
  std::vector<std::string> oracle(const char* file,
                                  const DetectionFilter& filter = DetectionFilter::all()) {
    write_expected_csv(spec_, dir_.path(), filter);
    return csv_rows(dir_.path() / file);
  }
  DataSpec spec_;
  qi::testing::TempDir dir_;
};

TEST_P(SimulatorAtGeneration, ServesTheKbOfTheOracle) {
  const auto kb = served_kb(client(), "action=list");
  EXPECT_EQ(kb.vulnkb, oracle("vulnkb.csv"));
  EXPECT_EQ(kb.cve, oracle("cve.csv"));
  EXPECT_EQ(static_cast<std::int64_t>(kb.qids.size()), 150 + 3 * GetParam());  // 2% added per step
}

TEST_P(SimulatorAtGeneration, ServesTheDetectionsOfTheOracleAcrossPages) {
  const auto served = served_detections(
      client(), std::string(kAllDetections) + "&truncation_limit=9&show_results=0");
  EXPECT_EQ(served.vm, oracle("vm.csv"));
  EXPECT_GT(served.pages, 5);
  const auto defaults = served_detections(client(), "action=list&truncation_limit=0");
  EXPECT_EQ(defaults.vm, oracle("vm.csv", DetectionFilter{}));
}

TEST_P(SimulatorAtGeneration, ServesTheAssetsOfTheOracleAndCountsThem) {
  const std::string token = client().login();
  const auto served = served_assets(client(), token, 7);
  EXPECT_EQ(served.rows, oracle("assets.csv"));
  EXPECT_EQ(served_count(client(), token), static_cast<std::int64_t>(served.rows.size()));
  EXPECT_EQ(served_count(client(), token), asset_count(spec_));
}

TEST_P(SimulatorAtGeneration, ListsEveryExistingHostAndNoRemovedOne) {
  std::vector<std::int64_t> expected;
  for (std::int64_t j = 0; j < host_slots(spec_); ++j) {
    if (host_exists(spec_, j)) expected.push_back(host_id_at(spec_, j));
  }
  EXPECT_EQ(static_cast<std::int64_t>(expected.size()), host_count(spec_));
  const auto ids = served_host_list(client(), "action=list&details=None&truncation_limit=11");
  EXPECT_EQ(ids.ids, expected);
  EXPECT_GT(ids.pages, 5);
  EXPECT_EQ(served_host_list(client(), "action=list&details=Basic&truncation_limit=0").ids,
            expected);
}

INSTANTIATE_TEST_SUITE_P(Generations, SimulatorAtGeneration, ::testing::Values(0, 1, 2),
                         [](const ::testing::TestParamInfo<int>& generation) {
                           return "G" + std::to_string(generation.param);
                         });

// ---- the incremental filters ----

class SimulatorFilters : public SimFixture {
 protected:
  void SetUp() override {
    start(options_at(2));
    spec_ = sim().data();
  }
  // Ids of existing records whose last touch is at least `step` (0: all).
  template <typename Exists, typename Generation, typename IdAt>
  std::vector<std::int64_t> touched_since(std::int64_t slots, int step, Exists exists,
                                          Generation generation, IdAt id_at) const {
    std::vector<std::int64_t> ids;
    for (std::int64_t i = 0; i < slots; ++i) {
      if (exists(spec_, i) && generation(spec_, i) >= step) ids.push_back(id_at(spec_, i));
    }
    return ids;
  }
  std::vector<std::int64_t> qids_since(int step) const {
    const auto all = [](const DataSpec&, std::int64_t) { return true; };
    return touched_since(qid_slots(spec_), step, all, vuln_generation, qid_at);
  }
  std::vector<std::int64_t> hosts_since(int step) const {
    return touched_since(host_slots(spec_), step, host_exists, host_generation, host_id_at);
  }
  std::vector<std::int64_t> assets_since(int step) const {
    return touched_since(asset_slots(spec_), step, asset_exists, asset_generation, asset_id_at);
  }
  DataSpec spec_;
};

TEST_F(SimulatorFilters, KbLastModifiedAfterReturnsOnlyQidsModifiedStrictlyAfterIt) {
  const auto since_step_2 =
      served_kb(client(), "action=list&last_modified_after=" + after(spec_, 1)).qids;
  EXPECT_EQ(since_step_2, qids_since(2));  // step 1's own time excludes what step 1 touched
  EXPECT_FALSE(since_step_2.empty());
  const auto since_step_1 =
      served_kb(client(), "action=list&last_modified_after=" + after(spec_, 1, -1)).qids;
  EXPECT_EQ(since_step_1, qids_since(1));
  EXPECT_GT(since_step_1.size(), since_step_2.size());
  EXPECT_LT(since_step_1.size(), 100u);
  EXPECT_EQ(served_kb(client(), "action=list&last_modified_after=" + after(spec_, 2)).qids.size(),
            0u);
}

TEST_F(SimulatorFilters, KbLastModifiedAfterTakesADateAndCombinesWithTheIdWindow) {
  // Step 1 is at 06:00 on 2025-08-01: the date alone means midnight.
  EXPECT_EQ(served_kb(client(), "action=list&last_modified_after=2025-08-01").qids, qids_since(1));
  const auto all = qids_since(1);
  const std::int64_t lo = all[1];
  const std::int64_t hi = all[all.size() - 2];
  const auto window = served_kb(client(), "action=list&last_modified_after=2025-08-01&id_min=" +
                                              std::to_string(lo) + "&id_max=" + std::to_string(hi))
                          .qids;
  EXPECT_EQ(window, std::vector<std::int64_t>(all.begin() + 1, all.end() - 1));
}

TEST_F(SimulatorFilters, DetectionVmProcessedAfterReturnsOnlyHostsProcessedStrictlyAfterIt) {
  const auto served =
      served_detections(client(), std::string(kAllDetections) +
                                      "&truncation_limit=1&vm_processed_after=" + after(spec_, 1));
  // Every host step 2 touched (changed or added) has detections once it has been rescanned.
  std::vector<std::int64_t> expected;
  for (const auto id : hosts_since(2)) {
    const auto index = first_host_index_at_least(spec_, id);
    if (!detections_at(spec_, index).empty()) expected.push_back(id);
  }
  EXPECT_EQ(served.ids, expected);
  ASSERT_GE(expected.size(), 3u);
  // One host a page: each WARNING's id_min is the next host the filter lets through.
  EXPECT_EQ(served.pages, static_cast<int>(expected.size()));
  EXPECT_EQ(served_detections(
                client(), std::string(kAllDetections) + "&vm_processed_after=" + after(spec_, 2))
                .ids.size(),
            0u);
}

TEST_F(SimulatorFilters, HostListVmProcessedAfterReturnsOnlyHostsProcessedStrictlyAfterIt) {
  const auto ids =
      served_host_list(client(), "action=list&details=None&truncation_limit=3&vm_processed_after=" +
                                     after(spec_, 1, -1));
  EXPECT_EQ(ids.ids, hosts_since(1));
  EXPECT_GT(ids.pages, 3);
  EXPECT_EQ(
      served_host_list(client(), "action=list&details=Basic&vm_processed_after=" + after(spec_, 1))
          .ids,
      hosts_since(2));
}

TEST_F(SimulatorFilters, CsamAssetLastUpdatedReturnsAndCountsOnlyAssetsUpdatedStrictlyAfterIt) {
  const std::string token = client().login();
  const std::string filter = "&assetLastUpdated=" + after(spec_, 1);
  const auto served = served_assets(client(), token, 2, filter);
  EXPECT_EQ(served.ids, assets_since(2));
  EXPECT_GT(served.pages, 2);
  EXPECT_EQ(served_count(client(), token, filter),
            static_cast<std::int64_t>(assets_since(2).size()));
  EXPECT_EQ(served_count(client(), token, "assetLastUpdated=" + after(spec_, 1, -1)),
            static_cast<std::int64_t>(assets_since(1).size()));
  EXPECT_EQ(served_assets(client(), token, 100, "&assetLastUpdated=" + after(spec_, 2)).ids.size(),
            0u);
  EXPECT_EQ(served_count(client(), token, "assetLastUpdated=" + after(spec_, 2)), 0);
}

TEST_F(SimulatorFilters, RefusesMalformedDatesWith1905LikeOtherInvalidValues) {
  for (const char* bad : {"2025-02-30", "2025-08-01T06:00:00", "yesterday", "1754028000"}) {
    const auto kb = client().v2(kKb, std::string("action=list&last_modified_after=") + bad);
    EXPECT_EQ(kb.status, 400u) << bad;
    EXPECT_EQ(code_of(kb), "1905") << bad;
    EXPECT_EQ(XmlDoc(kb.body).text("//TEXT"),
              std::string("parameter last_modified_after has invalid value: ") + bad);
    EXPECT_EQ(code_of(client().v2(kKb, std::string("action=list&last_modified_before=") + bad)),
              "1905");
    EXPECT_EQ(code_of(client().v2(kHld, std::string("action=list&vm_processed_after=") + bad)),
              "1905")
        << bad;
    EXPECT_EQ(code_of(client().v2(
                  kHostList, std::string("action=list&details=None&vm_processed_after=") + bad)),
              "1905")
        << bad;
  }
}

TEST_F(SimulatorFilters, CsamRefusesAnAssetLastUpdatedThatIsNotADateTime) {
  const std::string token = client().login();
  for (const char* bad : {"2025-08-01", "2025-08-01T06:00:00", "2025-08-01T06:00:00.000Z", "x"}) {
    for (const char* path : {"/rest/2.0/search/am/asset?assetLastUpdated=",
                             "/rest/2.0/count/am/asset?assetLastUpdated="}) {
      const auto response = client().gateway(path + std::string(bad), token);
      EXPECT_EQ(response.status, 400u) << path << bad;
      rapidjson::Document doc;
      doc.Parse(response.body.c_str());
      ASSERT_FALSE(doc.HasParseError()) << response.body;
      EXPECT_STREQ(doc["responseCode"].GetString(), "FAILED");
    }
  }
}

// ---- mutating a running simulator ----

using SimulatorMutate = SimFixture;

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST_F(SimulatorMutate, AppendsAGenerationAtTheCurrentTimeAndServesItFromTheNextRequest) {
  start(options_at(0));
  const std::string token = client().login();
  const auto before = served_assets(client(), token, 50);
  const std::int64_t started = now_seconds();
  const GenerationStep step = sim().mutate();
  EXPECT_EQ(step.generation, 1);
  const auto time = parse_iso_utc(step.time);
  ASSERT_TRUE(time);
  EXPECT_GE(*time, started);
  EXPECT_LE(*time, now_seconds());
  EXPECT_EQ(sim().data().generation_times, std::vector<std::string>{step.time});
  EXPECT_TRUE(sim().options().data.generation_times.empty());  // the options as given

  qi::testing::TempDir dir;
  write_expected_csv(sim().data(), dir.path());
  const auto served = served_assets(client(), token, 50);
  EXPECT_EQ(served.rows, csv_rows(dir.path() / "assets.csv"));
  EXPECT_NE(served.ids, before.ids);
  // What the daemon's incremental pull asks for: exactly the assets the step touched.
  const auto changed =
      served_assets(client(), token, 50, "&assetLastUpdated=" + iso_utc(started - 1, false));
  EXPECT_EQ(changed.ids.size(), 3u + 2u);  // 3% changed, 2% added of 120
  EXPECT_EQ(served_kb(client(), "action=list").vulnkb, csv_rows(dir.path() / "vulnkb.csv"));
}

TEST_F(SimulatorMutate, GivesEachGenerationItsOwnSecond) {
  const auto first = sim().mutate();
  const auto second = sim().mutate();
  EXPECT_EQ(second.generation, 2);
  EXPECT_GT(*parse_iso_utc(second.time), *parse_iso_utc(first.time));
}

TEST_F(SimulatorMutate, IsSafeFromAnotherThreadWhileServing) {
  std::thread mutator([&] {
    for (int k = 0; k < 30; ++k) sim().mutate();
  });
  for (int k = 0; k < 5; ++k) EXPECT_EQ(client().v2(kKb, "action=list").status, 200u);
  mutator.join();
  EXPECT_EQ(generation_of(sim().data()), 30);
  EXPECT_NO_THROW(check_generations(sim().data()));
}

TEST_F(SimulatorMutate, PostMutateAppendsAGenerationAndWriteExpectedWritesItsOracle) {
  start(options_at(0));
  ClientRequest mutate;
  mutate.target = "/__sim/mutate";
  const auto answer = client().send(mutate);
  ASSERT_EQ(answer.status, 200u);
  rapidjson::Document doc;
  doc.Parse(answer.body.c_str());
  ASSERT_FALSE(doc.HasParseError()) << answer.body;
  EXPECT_EQ(doc["generation"].GetInt(), 1);
  EXPECT_EQ(std::string(doc["time"].GetString()), sim().data().generation_times.at(0));

  ClientRequest generation;
  generation.method = boost::beast::http::verb::get;
  generation.target = "/__sim/generation";
  EXPECT_EQ(client().send(generation).body,
            "{\"generation\":1,\"times\":[\"" + sim().data().generation_times.at(0) + "\"]}\n");

  qi::testing::TempDir served_dir, local_dir, original_dir;
  ClientRequest write;
  write.target = "/__sim/write-expected?dir=" + url_encode(served_dir.path().string()) +
                 "&status=New,Active&show_igs=1";
  ASSERT_EQ(client().send(write).status, 200u);
  const auto filter = detection_filter_from(parse_form("status=New,Active&show_igs=1"), nullptr);
  write_expected_csv(sim().data(), local_dir.path(), filter);
  write_expected_csv(options_at(0).data, original_dir.path(), filter);
  for (const char* file : {"assets.csv", "vulnkb.csv", "cve.csv", "vm.csv"}) {
    EXPECT_EQ(csv_rows(served_dir.path() / file), csv_rows(local_dir.path() / file)) << file;
    EXPECT_NE(csv_rows(served_dir.path() / file), csv_rows(original_dir.path() / file)) << file;
  }
}

TEST_F(SimulatorMutate, WriteExpectedNeedsADirectoryAndValidDetectionParameters) {
  ClientRequest write;
  write.target = "/__sim/write-expected";
  EXPECT_EQ(client().send(write).status, 400u);
  qi::testing::TempDir dir;
  write.target = "/__sim/write-expected?dir=" + url_encode(dir.path().string()) + "&status=Gone";
  EXPECT_EQ(client().send(write).status, 400u);
}

}  // namespace
}  // namespace qi::sim::testing
