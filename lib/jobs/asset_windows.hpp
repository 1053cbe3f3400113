// Splitting the CSAM asset-ID space into windows of about equal asset counts, so that the assets
// job can run several lastSeenAssetId cursors at once (one page after another is all a single
// cursor can do: 3,334 pages for a million assets).
//
// The windows partition the whole ID space, (0, s1], (s1, s2], …, (s_last, ∞): an asset added
// between the split and the pull still falls in some window, and the last one is unbounded. The
// split points come from `count?lastSeenAssetId=X` (assets with assetId > X, docs/qualys-api.md
// §4.4), one round trip each, so AssetIdSplitter chooses every X and stops early: when each split
// is within a tolerance of its target, or when its budget of count calls is spent (then the best
// points found so far make windows of uneven size, which costs time but never rows).
//
// Asset IDs are sparse and clustered (the simulator puts 90% near 67 million and the rest above
// 2^53), so a probe bisects geometrically while a bracket spans more than a factor 4 and then
// alternates linear interpolation on the counts with plain bisection (interpolation alone
// creeps when the counts are lopsided). Probes are shared: the coarse ones serve every split.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qi::jobs {

// One cursor's share of the IDs: assets with after < assetId <= last.
struct AssetWindow {
  std::optional<std::int64_t> after;  // the first page's lastSeenAssetId; none: from the start
  std::optional<std::int64_t> last;   // the highest assetId kept; none: unbounded

  std::string text() const;  // for logs: "(0, 67004999]", "(67004999, 72000003]", "(72000003, end)"
};

// How many windows a pull of `assets` assets gets: 1 (the single cursor) when assets_per_window
// is 0 or fewer than 2 workers could fetch them; otherwise ceil(assets / assets_per_window), but
// at most 4 per worker (a slow window does not stall the others, and every window costs count
// calls to place), at most kMaxAssetWindows, and few enough that each window holds at least 4
// pages.
inline constexpr std::size_t kMaxAssetWindows = 32;
std::size_t asset_window_count(std::int64_t assets, std::int64_t assets_per_window, int page_size,
                               std::size_t workers);

// The most count calls AssetIdSplitter makes for `windows` windows: 12 for the coarse search
// shared by every split, then 6 per split point.
int asset_split_budget(std::size_t windows);

class AssetIdSplitter {
 public:
  // `total`: assets with assetId > 0 (the count taken at the start, same filter). A split is
  // good enough when its window is within `tolerance` assets of total / windows.
  AssetIdSplitter(std::int64_t total, std::size_t windows, std::int64_t tolerance,
                  int max_count_calls);

  // The next lastSeenAssetId to count after; nullopt when done (every split is good enough,
  // cannot be refined, or the budget is spent).
  std::optional<std::int64_t> next_probe();
  // The count of assets with assetId > last_seen.
  void record(std::int64_t last_seen, std::int64_t count_after);

  int count_calls() const { return count_calls_; }
  // The windows, in ascending ID order (fewer than asked when split points coincide).
  std::vector<AssetWindow> windows() const;

 private:
  std::optional<std::int64_t> best_split(std::size_t split) const;

  std::vector<std::int64_t> goals_;  // per split: the wanted count of assets above it
  std::vector<int> steps_;           // probes made for each split (interpolate on even steps)
  std::vector<bool> settled_;        // the split cannot be refined further
  std::map<std::int64_t, std::int64_t> counts_;  // lastSeenAssetId → assets above it
  std::int64_t tolerance_;
  int max_count_calls_;
  int count_calls_ = 0;
};

}  // namespace qi::jobs
