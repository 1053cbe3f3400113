// Generations of the simulated dataset as pure functions of the DataSpec: what each step
// changes, removes and adds, that nothing else moves, and the times the incremental filters see.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <stdexcept>

#include "qualys_sim/data_spec.hpp"
#include "qualys_sim/expected_csv.hpp"
#include "qualys_sim/render.hpp"
#include "qualys_sim/sim_util.hpp"
#include "qualys_sim/tests/served_rows.hpp"
#include "support/temp_dir.hpp"

namespace qi::sim {
namespace {

DataSpec spec_of(std::int64_t n, int generations) {
  DataSpec spec;
  spec.seed = 5;
  spec.assets = n;
  spec.qids = n;
  spec.hosts = n;
  spec.detections_per_host = 4;
  append_past_generations(spec, generations);
  return spec;
}

DataSpec at_generation(DataSpec spec, int generation) {
  spec.generation_times.resize(static_cast<std::size_t>(generation));
  return spec;
}

// Records as the endpoints render them: "byte-identical" means these strings are equal.
std::string asset_text(const DataSpec& spec, std::int64_t i) {
  std::string out;
  append_asset_json(out, asset_at(spec, i), std::nullopt);
  return out;
}
std::string vuln_text(const DataSpec& spec, std::int64_t i) {
  std::string out;
  append_kb_vuln(out, vuln_at(spec, i), true);
  return out;
}
std::string host_text(const DataSpec& spec, std::int64_t j) {
  std::string out;
  append_hld_host(out, host_at(spec, j), detections_at(spec, j), {});
  append_host_list_host(out, host_at(spec, j));
  return out;
}

// What step k did to one record type, counted by comparing generation k-1 with generation k.
struct StepEffect {
  int changed = 0;
  int removed = 0;
  int added = 0;
};

template <typename Exists, typename Text, typename Generation>
StepEffect effect_of(const DataSpec& before, const DataSpec& after, std::int64_t slots_before,
                     std::int64_t slots_after, Exists exists, Text text, Generation generation) {
  StepEffect effect;
  for (std::int64_t i = 0; i < slots_after; ++i) {
    const bool was = i < slots_before && exists(before, i);
    const bool is = exists(after, i);
    if (was && !is) ++effect.removed;
    if (!was && is) ++effect.added;
    if (was && is && text(before, i) != text(after, i)) {
      ++effect.changed;
      EXPECT_EQ(generation(after, i), generation_of(after)) << "slot " << i;
    }
    if (was && is && text(before, i) == text(after, i)) {
      EXPECT_NE(generation(after, i), generation_of(after)) << "slot " << i << " claims a change";
    }
  }
  return effect;
}

StepEffect asset_step(const DataSpec& spec, int k) {
  const auto before = at_generation(spec, k - 1);
  const auto after = at_generation(spec, k);
  return effect_of(before, after, asset_slots(before), asset_slots(after), asset_exists, asset_text,
                   asset_generation);
}
StepEffect vuln_step(const DataSpec& spec, int k) {
  const auto before = at_generation(spec, k - 1);
  const auto after = at_generation(spec, k);
  const auto all = [](const DataSpec&, std::int64_t) { return true; };
  return effect_of(before, after, qid_slots(before), qid_slots(after), all, vuln_text,
                   vuln_generation);
}
StepEffect host_step(const DataSpec& spec, int k) {
  const auto before = at_generation(spec, k - 1);
  const auto after = at_generation(spec, k);
  return effect_of(before, after, host_slots(before), host_slots(after), host_exists, host_text,
                   host_generation);
}

TEST(Generations, EveryStepChangesRemovesAndAddsAtLeastOneRecordOfEachTypeFromTenRecords) {
  const auto spec = spec_of(10, 4);
  for (int k = 1; k <= 4; ++k) {
    for (const auto& [name, effect] :
         {std::pair{"asset", asset_step(spec, k)}, std::pair{"host", host_step(spec, k)}}) {
      EXPECT_GE(effect.changed, 1) << name << " step " << k;
      EXPECT_GE(effect.removed, 1) << name << " step " << k;
      EXPECT_GE(effect.added, 1) << name << " step " << k;
    }
    const auto kb = vuln_step(spec, k);
    EXPECT_GE(kb.changed, 1) << "step " << k;
    EXPECT_GE(kb.added, 1) << "step " << k;
    EXPECT_EQ(kb.removed, 0) << "Qualys never deletes QIDs";
  }
}

TEST(Generations, AStepTouchesAFewPercentOfALargeDataset) {
  const auto spec = spec_of(1000, 2);
  for (int k = 1; k <= 2; ++k) {
    const auto assets = asset_step(spec, k);
    EXPECT_EQ(assets.removed, 10);
    EXPECT_EQ(assets.added, 20);
    EXPECT_GE(assets.changed, 30);  // plus records added by step 1 that step 2 changes
    EXPECT_LE(assets.changed, 31);
    EXPECT_EQ(host_step(spec, k).removed, 10);
    EXPECT_EQ(vuln_step(spec, k).added, 20);
  }
  EXPECT_EQ(asset_count(spec), 1000 - 20 + 40);
  EXPECT_EQ(host_count(spec), 1000 - 20 + 40);
  EXPECT_EQ(qid_slots(spec), 1040);
}

TEST(Generations, UntouchedRecordsRenderExactlyAsInGenerationZero) {
  const auto spec = spec_of(120, 3);
  const auto original = at_generation(spec, 0);
  int untouched = 0;
  for (std::int64_t i = 0; i < 120; ++i) {
    if (asset_exists(spec, i) && asset_generation(spec, i) == 0) {
      EXPECT_EQ(asset_text(spec, i), asset_text(original, i));
      ++untouched;
    }
    if (vuln_generation(spec, i) == 0) {
      EXPECT_EQ(vuln_text(spec, i), vuln_text(original, i));
    }
    if (host_exists(spec, i) && host_generation(spec, i) == 0) {
      EXPECT_EQ(host_text(spec, i), host_text(original, i));
    }
  }
  EXPECT_GT(untouched, 90);
}

TEST(Generations, ChangedRecordsDifferInWhatTheCsvFilesHold) {
  const auto spec = spec_of(200, 1);
  const auto original = at_generation(spec, 0);
  int assets = 0, vulns = 0, hosts = 0;
  for (std::int64_t i = 0; i < 200; ++i) {
    if (asset_exists(spec, i) && asset_generation(spec, i) == 1) {
      EXPECT_NE(asset_at(spec, i).asset_name, asset_at(original, i).asset_name);
      EXPECT_EQ(asset_at(spec, i).last_modified_date, "2025-08-01T06:00:00.000Z");
      ++assets;
    }
    if (vuln_generation(spec, i) == 1) {
      const auto before = vuln_at(original, i);
      const auto after = vuln_at(spec, i);
      EXPECT_NE(after.title, before.title);
      EXPECT_NE(after.severity, before.severity);
      EXPECT_NE(after.cves.back().id, before.cves.empty() ? "" : before.cves.back().id);
      EXPECT_EQ(after.last_modified, "2025-08-01T06:00:00Z");
      ++vulns;
    }
    if (host_exists(spec, i) && host_generation(spec, i) == 1) {
      EXPECT_EQ(host_at(spec, i).last_scan, "2025-08-01T06:00:00Z");
      EXPECT_NE(host_at(spec, i).os, host_at(original, i).os);
      // A rescan finds something new: the host's QID set is not what it was.
      std::set<std::int64_t> before, after;
      for (const auto& d : detections_at(original, i)) before.insert(d.qid);
      for (const auto& d : detections_at(spec, i)) after.insert(d.qid);
      EXPECT_NE(after, before);
      ++hosts;
    }
  }
  EXPECT_EQ(assets, 6);
  EXPECT_EQ(vulns, 6);
  EXPECT_EQ(hosts, 6);
}

TEST(Generations, AddedRecordsContinueTheAscendingIdsAndCarryTheirStepsTime) {
  const auto spec = spec_of(50, 2);
  for (std::int64_t i = 1; i < asset_slots(spec); ++i)
    EXPECT_LT(asset_id_at(spec, i - 1), asset_id_at(spec, i));
  for (std::int64_t i = 1; i < qid_slots(spec); ++i)
    EXPECT_LT(qid_at(spec, i - 1), qid_at(spec, i));
  for (std::int64_t i = 1; i < host_slots(spec); ++i)
    EXPECT_LT(host_id_at(spec, i - 1), host_id_at(spec, i));
  const std::int64_t first_added = 50;  // step 1 adds slot 50 of every type
  EXPECT_EQ(vuln_at(spec, first_added).published, "2025-08-01T06:00:00Z");
  EXPECT_EQ(asset_at(spec, first_added).created_date, "2025-08-01T06:00:00.000Z");
  EXPECT_EQ(host_processed_at(spec, first_added), *parse_iso_utc("2025-08-01T06:00:00Z"));
  EXPECT_EQ(first_qid_index_at_least(spec, qid_at(spec, 50)), 50);
  EXPECT_EQ(first_asset_after(spec, asset_id_at(spec, 50)), 51);
}

TEST(Generations, TheFilterTimesAreTheRenderedTimes) {
  const auto spec = spec_of(80, 2);
  for (std::int64_t i = 0; i < 80; ++i) {
    EXPECT_EQ(vuln_modified_at(spec, i), *parse_iso_utc(vuln_at(spec, i).last_modified));
    EXPECT_EQ(host_processed_at(spec, i), *parse_iso_utc(host_at(spec, i).last_scan));
    const std::string modified = asset_at(spec, i).last_modified_date;  // with .000Z
    EXPECT_EQ(asset_updated_at(spec, i), *parse_iso_utc(modified.substr(0, 19) + "Z"));
  }
}

TEST(Generations, GenerationZeroDatesPrecedeThePastStepsWhichPrecedeNow) {
  const auto spec = spec_of(300, 1);
  const auto original = at_generation(spec, 0);
  const std::int64_t first_step = *parse_iso_utc(spec.generation_times.front());
  for (std::int64_t i = 0; i < 300; ++i) {
    EXPECT_LT(asset_updated_at(original, i), first_step);
    EXPECT_LT(vuln_modified_at(original, i), first_step);
    EXPECT_LT(host_processed_at(original, i), first_step);
    for (const auto& d : detections_at(original, i))
      EXPECT_LT(*parse_iso_utc(d.last_found), first_step);
  }
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  EXPECT_LT(first_step, now);
}

TEST(Generations, AppendingNeverGoesBackInTime) {
  DataSpec spec;
  EXPECT_EQ(append_generation(spec, 1800000000), 1);
  EXPECT_EQ(append_generation(spec, 1800000000), 2);  // the same second: one later
  EXPECT_EQ(append_generation(spec, 1700000000), 3);  // earlier: one after the last
  EXPECT_EQ(spec.generation_times,
            (std::vector<std::string>{"2027-01-15T08:00:00Z", "2027-01-15T08:00:01Z",
                                      "2027-01-15T08:00:02Z"}));
  EXPECT_NO_THROW(check_generations(spec));
}

TEST(Generations, CheckRejectsMalformedAndUnorderedTimes) {
  DataSpec spec;
  spec.generation_times = {"2025-09-01T00:00:00Z", "2025-09-01T00:00:00Z"};
  EXPECT_THROW(check_generations(spec), std::invalid_argument);
  spec.generation_times = {"2025-09-01"};
  EXPECT_THROW(check_generations(spec), std::invalid_argument);
  spec.generation_times = {"2025-09-01T00:00:00Z", "2025-09-02T00:00:00Z"};
  EXPECT_NO_THROW(check_generations(spec));
}

TEST(Generations, TheOracleFollowsTheGeneration) {
  const auto spec = spec_of(60, 1);
  qi::testing::TempDir before, after;
  write_expected_csv(at_generation(spec, 0), before.path(), DetectionFilter::all());
  write_expected_csv(spec, after.path(), DetectionFilter::all());
  const auto assets = testing::csv_rows(after.path() / "assets.csv");
  EXPECT_EQ(static_cast<std::int64_t>(assets.size()), asset_count(spec));
  EXPECT_EQ(testing::csv_rows(after.path() / "vulnkb.csv").size(), 61u);
  for (const char* file : {"assets.csv", "vulnkb.csv", "cve.csv", "vm.csv"}) {
    EXPECT_NE(testing::csv_rows(before.path() / file), testing::csv_rows(after.path() / file))
        << file;
  }
  // A removed host has no vm.csv row any more.
  for (std::int64_t j = 0; j < host_slots(spec); ++j) {
    if (host_exists(spec, j)) continue;
    const std::string id = "\"" + std::to_string(host_id_at(spec, j)) + "\",";
    for (const auto& row : testing::csv_rows(after.path() / "vm.csv"))
      EXPECT_FALSE(row.starts_with(id)) << row;
  }
}

TEST(SimUtil, ParsesTheTwoQualysDateFormsAndNothingElse) {
  EXPECT_EQ(parse_iso_utc("2025-08-01T06:00:00Z"), 1754028000);
  EXPECT_EQ(parse_iso_utc("2025-08-01"), 1754006400);
  EXPECT_EQ(parse_iso_utc("1970-01-01"), 0);
  EXPECT_EQ(parse_iso_utc("2024-02-29"), 1709164800);
  for (const std::int64_t t : {0LL, 951782400LL, 1735689599LL, 4102444800LL}) {
    EXPECT_EQ(parse_iso_utc(iso_utc(t, false)), t);
  }
  for (const char* bad :
       {"", "2025-8-01", "2025-02-29", "2025-13-01", "2025-00-10", "2025-08-01T24:00:00Z",
        "2025-08-01T06:00:00", "2025-08-01 06:00:00Z", "2025-08-01T06:00:00.000Z", "yesterday",
        "2025-08-01T06:60:00Z", "+025-08-01"}) {
    EXPECT_FALSE(parse_iso_utc(bad)) << bad;
  }
}

}  // namespace
}  // namespace qi::sim
