// The CSAM v2 asset search of the assets job, paged by the lastSeenAssetId cursor
// (docs/qualys-api.md §4). A large pull runs several cursors at once over asset-ID windows placed
// with count calls (asset_windows.hpp; jobs.assets.assets_per_window), written in assetId order
// (ordered_windows.hpp) so the files are the ones a single cursor writes.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "jobs/asset_columns.hpp"
#include "jobs/asset_windows.hpp"
#include "jobs/job_support.hpp"
#include "jobs/ordered_windows.hpp"
#include "output/csv_writer.hpp"

namespace qi::jobs {

// POST count/am/asset: the number it reports (0 for HTTP 204; none when the answer has no
// count). `description` names the call in logs.
asio::awaitable<std::optional<std::int64_t>> csam_count(JobCalls& calls,
                                                        const qualys::Request& request,
                                                        const std::string& description);

// What one pull writes besides assets.csv, in ascending assetId order.
struct AssetPullOutput {
  output::CsvWriter& assets;    // assets.csv rows
  output::CsvWriter& host_ids;  // "assetId","hostId" rows
  // Every hostId (a full pull keeps them for the reference check against vm.csv) and, when
  // wanted (an incremental pull replaces them in the base), every assetId.
  std::vector<std::int64_t>& host_id_list;
  std::vector<std::int64_t>* asset_ids = nullptr;
};

// What one pull asks for: the assets updated after `updated_after` (every asset when empty),
// written with the assets.csv extra columns `columns`.
struct AssetQuery {
  std::string_view updated_after;
  const std::vector<config::Column>& columns;
};

// One pull of the CSAM search (AssetQuery).
class AssetSearch {
 public:
  AssetSearch(JobCalls& calls, const config::AssetsJobConfig& config, const AssetQuery& query)
      : calls_(calls),
        config_(config),
        updated_after_(query.updated_after),
        columns_(query.columns),
        fields_(asset_fields(query.columns)) {}

  // The windows for a pull of `assets` assets (what the count said) with `workers` windows in
  // flight: one unbounded window unless the pull is big enough (asset_window_count); then split
  // points found by count calls.
  asio::awaitable<std::vector<AssetWindow>> plan_windows(std::int64_t assets, std::size_t workers);

  // Every asset of `windows` (`plan` says how to run them) into `out`, in ascending assetId
  // order also when the windows run concurrently.
  asio::awaitable<void> pull(const std::vector<AssetWindow>& windows, const WindowPlan& plan,
                             const AssetPullOutput& out);

 private:
  asio::awaitable<void> fetch_window(const AssetWindow& window, const AssetPullOutput& out);
  qualys::Request search_request(std::optional<std::int64_t> cursor) const;

  JobCalls& calls_;
  const config::AssetsJobConfig& config_;
  std::string_view updated_after_;
  const std::vector<config::Column>& columns_;
  std::string fields_;      // the extra columns' includeFields
  std::uint64_t rows_ = 0;  // written so far over every window, for the progress report
};

}  // namespace qi::jobs
