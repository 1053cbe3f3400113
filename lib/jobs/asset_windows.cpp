#include "jobs/asset_windows.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qi::jobs {

namespace {

constexpr std::int64_t kHighestId = std::numeric_limits<std::int64_t>::max();

}  // namespace

std::string AssetWindow::text() const {
  return "(" + std::to_string(after.value_or(0)) + ", " +
         (last ? std::to_string(*last) + "]" : std::string("end)"));
}

std::size_t asset_window_count(std::int64_t assets, std::int64_t assets_per_window, int page_size,
                               std::size_t workers) {
  if (assets_per_window <= 0 || workers < 2 || assets <= 0) return 1;
  const std::int64_t wanted = (assets + assets_per_window - 1) / assets_per_window;
  const std::int64_t by_pages = assets / (4 * std::max(page_size, 1));
  const auto per_workers = static_cast<std::int64_t>(4 * workers);
  const std::int64_t windows =
      std::min({wanted, per_workers, static_cast<std::int64_t>(kMaxAssetWindows), by_pages});
  return static_cast<std::size_t>(std::max<std::int64_t>(windows, 1));
}

int asset_split_budget(std::size_t windows) {
  return 12 + 6 * static_cast<int>(windows > 1 ? windows - 1 : 0);
}

AssetIdSplitter::AssetIdSplitter(std::int64_t total, std::size_t windows, std::int64_t tolerance,
                                 int max_count_calls)
    : tolerance_(std::max<std::int64_t>(tolerance, 0)), max_count_calls_(max_count_calls) {
  // Known without a call: every asset is above 0 (the start count), none above the int64 range.
  counts_[0] = total;
  counts_[kHighestId] = 0;
  for (std::size_t j = 1; j < windows; ++j) {
    const auto below = static_cast<std::int64_t>(
        std::llround(static_cast<long double>(total) * static_cast<long double>(j) /
                     static_cast<long double>(windows)));
    goals_.push_back(total - below);
  }
  steps_.assign(goals_.size(), 0);
  settled_.assign(goals_.size(), false);
}

std::optional<std::int64_t> AssetIdSplitter::best_split(std::size_t split) const {
  std::optional<std::int64_t> best;
  std::int64_t best_gap = 0;
  for (const auto& [id, count] : counts_) {
    if (id == 0 || id == kHighestId) continue;
    const std::int64_t gap = std::llabs(count - goals_[split]);
    if (!best || gap < best_gap) {
      best = id;
      best_gap = gap;
    }
  }
  return best;
}

std::optional<std::int64_t> AssetIdSplitter::next_probe() {
  if (count_calls_ >= max_count_calls_) return std::nullopt;
  for (std::size_t j = 0; j < goals_.size(); ++j) {
    if (settled_[j]) continue;
    const std::int64_t goal = goals_[j];
    if (const auto best = best_split(j);
        best && std::llabs(counts_.at(*best) - goal) <= tolerance_) {
      settled_[j] = true;
      continue;
    }
    // The bracket: the first probe with fewer assets above it than wanted, and the one before
    // (which has more: otherwise the split would be good enough already). Counts taken while
    // assets come and go need not be monotonic; the bracket is still a valid interval.
    auto hi = std::find_if(counts_.begin(), counts_.end(),
                           [&](const auto& probe) { return probe.second < goal; });
    if (hi == counts_.begin() || hi == counts_.end()) {
      settled_[j] = true;
      continue;
    }
    const auto lo = std::prev(hi);
    const std::int64_t a = lo->first;
    const std::int64_t b = hi->first;
    if (b - a <= 1) {
      settled_[j] = true;  // adjacent IDs: the split is as good as it gets
      continue;
    }
    const int step = steps_[j]++;
    long double x = 0;
    if (b / 4 > a) {
      // A bracket over orders of magnitude: halve it in log space.
      x = std::sqrt(static_cast<long double>(std::max<std::int64_t>(a, 1)) *
                    static_cast<long double>(b));
    } else if (step % 2 == 0 && lo->second > hi->second) {
      const long double share = static_cast<long double>(lo->second - goal) /
                                static_cast<long double>(lo->second - hi->second);
      x = static_cast<long double>(a) + static_cast<long double>(b - a) * share;
    } else {
      x = static_cast<long double>(a) + static_cast<long double>(b - a) / 2;
    }
    x = std::clamp(x, static_cast<long double>(a + 1), static_cast<long double>(b - 1));
    return static_cast<std::int64_t>(x);
  }
  return std::nullopt;
}

void AssetIdSplitter::record(std::int64_t last_seen, std::int64_t count_after) {
  ++count_calls_;
  counts_[last_seen] = count_after;
}

std::vector<AssetWindow> AssetIdSplitter::windows() const {
  std::vector<std::int64_t> splits;
  for (std::size_t j = 0; j < goals_.size(); ++j) {
    if (const auto split = best_split(j)) splits.push_back(*split);
  }
  std::sort(splits.begin(), splits.end());
  splits.erase(std::unique(splits.begin(), splits.end()), splits.end());
  std::vector<AssetWindow> windows;
  std::optional<std::int64_t> after;
  std::int64_t above = counts_.at(0);
  for (const auto split : splits) {
    // A split with as many assets above it as the previous one, or none, would make a window
    // the counts say is empty: leave it out.
    const std::int64_t count = counts_.at(split);
    if (count >= above || count <= 0) continue;
    windows.push_back({after, split});
    after = split;
    above = count;
  }
  windows.push_back({after, std::nullopt});
  return windows;
}

}  // namespace qi::jobs
