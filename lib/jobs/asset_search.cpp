#include "jobs/asset_search.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/log.hpp"
#include "jobs/record_writers.hpp"
#include "qualys/csam_count.hpp"
#include "qualys/csam_page_parser.hpp"

namespace qi::jobs {

asio::awaitable<std::optional<std::int64_t>> csam_count(JobCalls& calls,
                                                        const qualys::Request& request,
                                                        const std::string& description) {
  std::optional<std::int64_t> total;
  const qualys::Attempt attempt = [&](int) -> asio::awaitable<void> {
    BufferedBody buffer;
    const auto status = co_await calls.post_gateway(request, buffer);
    if (status == 204) {
      total = 0;
      co_return;
    }
    auto count = qualys::parse_csam_count(buffer.text());
    if (count.response_code != "SUCCESS") {
      throw FatalError(
          "CSAM asset count: responseCode " + count.response_code + ": " + count.response_message,
          count.response_code);
    }
    total = count.count;
  };
  co_await calls.with_retries(description, attempt);
  co_return total;
}

qualys::Request AssetSearch::search_request(std::optional<std::int64_t> cursor) const {
  return qualys::csam_search_request({.last_seen_asset_id = cursor,
                                      .updated_after = updated_after_,
                                      .filter_json = config_.filter_json,
                                      .extra_fields = fields_},
                                     config_.page_size);
}

asio::awaitable<std::vector<AssetWindow>> AssetSearch::plan_windows(std::int64_t assets,
                                                                    std::size_t workers) {
  const std::size_t wanted =
      asset_window_count(assets, config_.assets_per_window, config_.page_size, workers);
  if (wanted < 2) co_return std::vector<AssetWindow>(1);
  // Within a tenth of a window's share, or a page, of the target: closer buys nothing.
  const auto share = assets / static_cast<std::int64_t>(wanted);
  const std::int64_t tolerance = std::max<std::int64_t>(config_.page_size, share / 10);
  AssetIdSplitter splitter(assets, wanted, tolerance, asset_split_budget(wanted));
  while (const auto probe = splitter.next_probe()) {
    // count/am/asset with the search's parameters: assets above the probe (docs/qualys-api.md
    // §4.4).
    const auto request = qualys::csam_count_request({.last_seen_asset_id = probe,
                                                     .updated_after = updated_after_,
                                                     .filter_json = config_.filter_json});
    const std::string description = "CSAM asset count after asset " + std::to_string(*probe);
    const auto count = co_await csam_count(calls_, request, description);
    if (!count) break;  // no number to place a split with: use the points found so far
    splitter.record(*probe, *count);
  }
  auto windows = splitter.windows();
  log::info(fmt::format("assets: {} assets in {} windows of about {}, split with {} count calls "
                        "(at most {})",
                        assets, windows.size(), share, splitter.count_calls(),
                        asset_split_budget(wanted)),
            {{"JOB", "assets"},
             {"RUN_ID", calls_.context().run_id},
             {"COUNT_CALLS", std::to_string(splitter.count_calls())}});
  co_return windows;
}

asio::awaitable<void> AssetSearch::pull(const std::vector<AssetWindow>& windows,
                                        const WindowPlan& plan, const AssetPullOutput& out) {
  if (windows.size() == 1) {
    co_await fetch_window(windows.front(), out);
    co_return;
  }
  // Collected per window and appended in window order, so both lists ascend as with one cursor.
  std::vector<std::vector<std::int64_t>> window_host_ids(windows.size());
  std::vector<std::vector<std::int64_t>> window_asset_ids(windows.size());
  const FetchWindow fetch = [&](std::size_t index,
                                std::vector<output::CsvWriter>& segments) -> asio::awaitable<void> {
    std::vector<std::int64_t>* ids = nullptr;
    if (out.asset_ids) ids = &window_asset_ids[index];
    co_await fetch_window(windows[index], {segments[0], segments[1], window_host_ids[index], ids});
  };
  const auto append = [](std::vector<std::int64_t>& to, std::vector<std::int64_t>& from) {
    to.insert(to.end(), from.begin(), from.end());
    std::vector<std::int64_t>().swap(from);
  };
  const DeliverWindow deliver = [&](std::size_t index, std::vector<output::CsvWriter>& segments) {
    out.assets.append_segment(segments[0]);
    out.host_ids.append_segment(segments[1]);
    append(out.host_id_list, window_host_ids[index]);
    if (out.asset_ids) append(*out.asset_ids, window_asset_ids[index]);
  };
  co_await fetch_windows_in_order(plan, fetch, deliver);
}

// The cursor starts at window.after; assets above window.last are dropped, and the window ends
// at the first page that reaches past it (or at hasMore=0).
asio::awaitable<void> AssetSearch::fetch_window(const AssetWindow& window,
                                                const AssetPullOutput& out) {
  auto& writer = out.assets;
  auto& host_ids = out.host_ids;
  auto* asset_ids = out.asset_ids;
  const bool whole = !window.after && !window.last;
  qualys::CsamCursor cursor(window.after);
  int empty_pages = 0;
  for (std::uint64_t page = 1;; ++page) {
    const auto mark = writer.mark();
    const auto host_ids_mark = host_ids.mark();
    qualys::CsamEnvelope envelope;
    unsigned status = 0;
    std::optional<std::int64_t> highest;
    bool past_window = false;
    std::vector<std::int64_t> page_host_ids;
    const std::size_t asset_ids_before = asset_ids ? asset_ids->size() : 0;
    // Named, not a temporary inside the co_await: GCC 12 mis-destroys temporaries of a
    // conditional expression that live across a suspension point.
    std::string description = "CSAM asset page " + std::to_string(page);
    if (!whole) description += " of window " + window.text();
    if (cursor.position()) description += " after asset " + std::to_string(*cursor.position());
    const auto request = search_request(cursor.position());
    const qualys::Attempt attempt = [&](int) -> asio::awaitable<void> {
      writer.rollback(mark);
      host_ids.rollback(host_ids_mark);
      highest.reset();
      past_window = false;
      page_host_ids.clear();
      if (asset_ids) asset_ids->resize(asset_ids_before);
      auto on_asset = [&](qualys::Asset&& asset) {
        const auto floor = highest ? highest : cursor.position();
        if (floor && asset.asset_id <= *floor) {
          throw TransientError("CSAM page returned asset " + std::to_string(asset.asset_id) +
                               " after asset " + std::to_string(*floor) + " (IDs must ascend)");
        }
        highest = asset.asset_id;
        // The next window's cursor fetches these.
        if (window.last && asset.asset_id > *window.last) {
          past_window = true;
          return;
        }
        if (asset_ids) asset_ids->push_back(asset.asset_id);
        if (asset.host_id) {
          page_host_ids.push_back(*asset.host_id);
          host_ids.write_row({std::to_string(asset.asset_id), std::to_string(*asset.host_id)});
        }
        write_asset_row(writer, asset, columns_);
      };
      qualys::CsamPageParser parser(on_asset, asset_record_fields(columns_));
      qualys::ParserConsumer consumer(parser);
      status = co_await calls_.post_gateway(request, consumer);
      if (status == 204) co_return;
      envelope = parser.envelope();
      if (envelope.response_code != "SUCCESS") {
        throw FatalError("CSAM asset search: responseCode " + envelope.response_code + ": " +
                             envelope.response_message,
                         envelope.response_code);
      }
      if (envelope.has_more.value_or(0) == 1 && envelope.assets == 0) {
        // Seen in the wild: a page that promises more but holds nothing. Ask again a few
        // times; publishing here could drop the rest of the inventory.
        if (++empty_pages > config_.empty_page_retries) {
          throw FatalError("CSAM asset search: page " + std::to_string(page) +
                           " says hasMore=1 but holds no assets, " + std::to_string(empty_pages) +
                           " times; not publishing");
        }
        throw TransientError("CSAM page says hasMore=1 but holds no assets");
      }
    };
    co_await calls_.with_retries(description, attempt);
    calls_.count_page();
    out.host_id_list.insert(out.host_id_list.end(), page_host_ids.begin(), page_host_ids.end());
    if (status == 204 || envelope.assets == 0) break;
    const auto next = cursor.advance(envelope, *highest);
    rows_ += writer.rows() - mark.rows;
    std::string stage = "page " + std::to_string(page);
    if (!whole) stage = "window " + window.text() + " " + stage;
    calls_.report(rows_, std::move(stage));
    if (envelope.has_more && *envelope.has_more == 0) break;
    if (window.last && (past_window || next >= *window.last)) break;
  }
}

}  // namespace qi::jobs
