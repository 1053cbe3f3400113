#include <gtest/gtest.h>

#include <set>

#include "qualys_sim/data_spec.hpp"

namespace qi::sim {
namespace {

DataSpec spec_of(std::int64_t n, std::uint64_t seed = 1) {
  DataSpec spec;
  spec.seed = seed;
  spec.assets = n;
  spec.qids = n;
  spec.hosts = n;
  spec.detections_per_host = 4;
  return spec;
}

TEST(DataGen, IsAPureFunctionOfSeedAndIndex) {
  const auto spec = spec_of(100);
  EXPECT_EQ(asset_at(spec, 42).asset_name, asset_at(spec, 42).asset_name);
  EXPECT_EQ(vuln_at(spec, 42).title, vuln_at(spec, 42).title);
  EXPECT_EQ(detections_at(spec, 42).size(), detections_at(spec, 42).size());
  EXPECT_NE(host_id_at(spec, 0), host_id_at(spec_of(100, 2), 0));
}

TEST(DataGen, IdsAscendStrictly) {
  const auto spec = spec_of(500);
  for (std::int64_t i = 1; i < 500; ++i) {
    EXPECT_LT(asset_id_at(spec, i - 1), asset_id_at(spec, i));
    EXPECT_LT(qid_at(spec, i - 1), qid_at(spec, i));
    EXPECT_LT(host_id_at(spec, i - 1), host_id_at(spec, i));
  }
}

TEST(DataGen, LookupsFindTheFirstRecordAfterACursor) {
  const auto spec = spec_of(500);
  EXPECT_EQ(first_asset_after(spec, 0), 0);
  EXPECT_EQ(first_asset_after(spec, asset_id_at(spec, 17)), 18);
  EXPECT_EQ(first_asset_after(spec, asset_id_at(spec, 499)), 500);
  EXPECT_EQ(first_qid_index_at_least(spec, qid_at(spec, 33)), 33);
  EXPECT_EQ(first_host_index_at_least(spec, host_id_at(spec, 33) + 1), 34);
}

TEST(DataGen, ProducesTheAssetQuirksAClientMustHandle) {
  const auto spec = spec_of(300);
  bool null_uuid = false, null_host = false, null_os = false, null_hw = false, backslash = false,
       line_break = false, big_id = false, negative_sw = false, null_address = false;
  for (std::int64_t i = 0; i < spec.assets; ++i) {
    const auto a = asset_at(spec, i);
    null_uuid |= !a.asset_uuid;
    null_host |= !a.host_id;
    null_os |= !a.operating_system.present;
    null_hw |= !a.hardware.present;
    null_address |= !a.address;
    backslash |= a.last_logged_on_user == "CORP\\jdoe";
    line_break |= a.asset_name.find('\n') != std::string::npos ||
                  a.asset_name.find('\r') != std::string::npos;
    big_id |= a.asset_id > (std::int64_t{1} << 53);
    negative_sw |= a.software_id < 0;
  }
  EXPECT_TRUE(null_uuid && null_host && null_os && null_hw && null_address);
  EXPECT_TRUE(backslash && line_break && big_id && negative_sw);
}

TEST(DataGen, MostDetectionQidsExistInTheKbButNotAll) {
  const auto spec = spec_of(300);
  std::set<std::int64_t> kb;
  for (std::int64_t i = 0; i < spec.qids; ++i) kb.insert(qid_at(spec, i));
  std::size_t in_kb = 0, total = 0;
  for (std::int64_t j = 0; j < spec.hosts; ++j) {
    for (const auto& d : detections_at(spec, j)) {
      ++total;
      in_kb += kb.count(d.qid);
    }
  }
  EXPECT_GT(in_kb, total * 8 / 10);
  EXPECT_LT(in_kb, total);
}

TEST(DataGen, MostAssetHostIdsAreDetectionHosts) {
  const auto spec = spec_of(300);
  std::set<std::int64_t> hosts;
  for (std::int64_t j = 0; j < spec.hosts; ++j) hosts.insert(host_id_at(spec, j));
  std::size_t matching = 0, with_host = 0;
  for (std::int64_t i = 0; i < spec.assets; ++i) {
    const auto a = asset_at(spec, i);
    if (!a.host_id) continue;
    ++with_host;
    matching += hosts.count(*a.host_id);
  }
  EXPECT_GT(matching, with_host * 8 / 10);
  EXPECT_LT(matching, with_host);
}

TEST(DataGen, SomeHostsHaveNoDetections) {
  const auto spec = spec_of(100);
  std::size_t empty = 0;
  for (std::int64_t j = 0; j < spec.hosts; ++j) empty += detections_at(spec, j).empty();
  EXPECT_GT(empty, 0u);
  EXPECT_LT(empty, 50u);
}

TEST(DataGen, ServesTheLastRecordOfAMillionsDatasetDirectly) {
  const auto spec = spec_of(5000000);
  const std::int64_t last = spec.assets - 1;
  EXPECT_EQ(first_asset_after(spec, asset_id_at(spec, last - 1)), last);
  EXPECT_GT(qid_at(spec, last), qid_at(spec, last - 1));
  EXPECT_EQ(first_host_index_at_least(spec, host_id_at(spec, last)), last);
}

}  // namespace
}  // namespace qi::sim
