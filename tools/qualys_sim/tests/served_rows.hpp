// Test helper: what the simulator serves, fetched over HTTPS (following every WARNING URL and
// CSAM cursor) and rebuilt as the rows of the expected CSV files, parsed independently of the
// simulator's own code with libxml2 and RapidJSON. Compared with the oracle (expected_csv.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "qualys_sim/tests/sim_client.hpp"

namespace qi::sim::testing {

struct ServedKb {
  std::vector<std::string> vulnkb;  // rows of vulnkb.csv
  std::vector<std::string> cve;     // rows of cve.csv
  std::vector<std::int64_t> qids;
};
// One KB call with `form` (action=list&...).
ServedKb served_kb(SimClient& client, const std::string& form);

struct ServedHosts {
  std::vector<std::string> vm;  // rows of vm.csv (host detection only)
  std::vector<std::int64_t> ids;
  int pages = 0;
};
// Host detection with `form`, following the truncation WARNING URLs to the end.
ServedHosts served_detections(SimClient& client, const std::string& form);
// The host list with `form` (details=None: ID_SET; Basic/All: HOST_LIST), following WARNINGs.
ServedHosts served_host_list(SimClient& client, const std::string& form);

struct ServedAssets {
  std::vector<std::string> rows;  // rows of assets.csv
  std::vector<std::int64_t> ids;
  int pages = 0;
};
// CSAM search pages of page_size with `extra_query` (e.g. "&assetLastUpdated=..."), following
// lastSeenAssetId while hasMore is 1.
ServedAssets served_assets(SimClient& client, const std::string& token, int page_size,
                           const std::string& extra_query = {});
// The CSAM count with `extra_query`; -1 when the answer is not a count.
std::int64_t served_count(SimClient& client, const std::string& token,
                          const std::string& extra_query = {});

// The rows of a CSV file the oracle wrote, header dropped.
std::vector<std::string> csv_rows(const std::filesystem::path& file);
std::string csv_row(std::initializer_list<std::string_view> fields);

}  // namespace qi::sim::testing
