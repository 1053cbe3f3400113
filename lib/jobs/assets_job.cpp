// assets: CSAM v2 asset search, paged by the lastSeenAssetId cursor (qualys-api.md §4). A large
// pull runs several cursors at once over asset-ID windows placed with count calls
// (asset_windows.hpp; jobs.assets.assets_per_window), written in assetId order
// (ordered_windows.hpp) so the files are the ones a single cursor writes.
#include <fmt/format.h>

#include "common/error.hpp"
#include "common/log.hpp"
#include "jobs/asset_windows.hpp"
#include "jobs/columns.hpp"
#include "jobs/incremental_base.hpp"
#include "jobs/job.hpp"
#include "jobs/job_support.hpp"
#include "jobs/merge_by_key.hpp"
#include "jobs/ordered_windows.hpp"
#include "jobs/publish_step.hpp"
#include "jobs/record_writers.hpp"
#include "net/form_encoding.hpp"
#include "qualys/csam_count.hpp"
#include "qualys/csam_page_parser.hpp"
#include "state/state_dir.hpp"

namespace qi::jobs {

namespace {

// Only the fields assets.csv needs (plus hostId, the join key with vm.csv): the full asset
// object carries software lists and is many times larger. Fields left out come back as null.
constexpr std::string_view kIncludeFields =
    "assetId,assetUUID,address,assetName,netbiosName,lastLoggedOnUser,biosSerialNumber,"
    "biosAssetTag,operatingSystem,hardware,lastModifiedDate,createdDate,hostId";

std::string search_target(int page_size, std::optional<std::int64_t> cursor,
                          const std::string& changed_after) {
  std::string target = "/rest/2.0/search/am/asset?pageSize=" + std::to_string(page_size);
  if (cursor) target += "&lastSeenAssetId=" + std::to_string(*cursor);
  if (!changed_after.empty()) {
    target += "&assetLastUpdated=" + net::url_encode_component(changed_after);
  }
  target += "&includeFields=" + net::url_encode_component(kIncludeFields);
  return target;
}

// The asset → hostId pairs, kept beside the base (assets.csv has no hostId column) so that an
// incremental run knows every published asset's host for the reference check against vm.csv.
constexpr std::string_view kHostIdsFile = "asset-host-ids.csv";

std::optional<std::int64_t> second_field_id(std::string_view row) {
  const auto comma = row.find("\",\"");
  if (comma == std::string_view::npos) return std::nullopt;
  return leading_id(row.substr(comma + 2));
}

// Rows written so far over every window, for the progress report.
struct PullProgress {
  explicit PullProgress(JobEnvironment& env) : reporter(env) {}
  ProgressReporter reporter;
  std::uint64_t rows = 0;
};

// The pages of one window of the CSAM search (changed_after: only assets updated since), in
// assetId order, into `writer`, and each asset's hostId into `host_ids` ("assetId","hostId" rows)
// and `host_id_list`, and each assetId into `asset_ids` (when given). The cursor starts at
// window.after; assets above window.last are dropped, and the window ends at the first page that
// reaches past it (or at hasMore=0).
asio::awaitable<void> fetch_asset_pages(JobEnvironment& env, JobResult& result,
                                        const std::string& changed_after, const AssetWindow& window,
                                        output::CsvWriter& writer, output::CsvWriter& host_ids,
                                        std::vector<std::int64_t>& host_id_list,
                                        std::vector<std::int64_t>* asset_ids,
                                        PullProgress& progress) {
  const auto& job_config = env.config.jobs.assets;
  auto& session = env.session;
  const std::string body = job_config.filter_json;
  const bool whole = !window.after && !window.last;
  std::optional<std::int64_t> cursor = window.after;
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
    if (cursor) description += " after asset " + std::to_string(*cursor);
    const qualys::Attempt attempt = [&](int) -> asio::awaitable<void> {
      writer.rollback(mark);
      host_ids.rollback(host_ids_mark);
      highest.reset();
      past_window = false;
      page_host_ids.clear();
      if (asset_ids) asset_ids->resize(asset_ids_before);
      qualys::CsamPageParser parser([&](qualys::Asset&& asset) {
        const auto floor = highest ? highest : cursor;
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
        write_asset_row(writer, asset);
      });
      qualys::ParserConsumer consumer(parser);
      CountingConsumer counting(consumer, result, env.progress);
      const std::string target = search_target(job_config.page_size, cursor, changed_after);
      status = co_await session.post_gateway(env.context, target, body, counting);
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
        if (++empty_pages > job_config.empty_page_retries) {
          throw FatalError("CSAM asset search: page " + std::to_string(page) +
                           " says hasMore=1 but holds no assets, " + std::to_string(empty_pages) +
                           " times; not publishing");
        }
        throw TransientError("CSAM page says hasMore=1 but holds no assets");
      }
    };
    co_await qualys::run_with_retries(env.context, session.retry_policy(), description, attempt);
    ++result.pages;
    host_id_list.insert(host_id_list.end(), page_host_ids.begin(), page_host_ids.end());
    if (status == 204 || envelope.assets == 0) break;
    // The cursor Qualys hands back is the one to send next; one that stays put would make us
    // read the same page forever (or, worse, skip assets if we guessed past it).
    const auto next = envelope.last_seen_asset_id.value_or(*highest);
    if (next < *highest) {
      throw FatalError("CSAM asset search: lastSeenAssetId " + std::to_string(next) +
                       " is behind the page's last asset " + std::to_string(*highest) +
                       " (the cursor would not advance); not publishing");
    }
    if (cursor && next <= *cursor) {
      throw FatalError("CSAM asset search: the lastSeenAssetId cursor did not advance past " +
                       std::to_string(*cursor) + "; not publishing");
    }
    cursor = next;
    progress.rows += writer.rows() - mark.rows;
    std::string stage = "page " + std::to_string(page);
    if (!whole) stage = "window " + window.text() + " " + stage;
    progress.reporter.update(progress.rows, std::move(stage));
    if (envelope.has_more && *envelope.has_more == 0) break;
    if (window.last && (past_window || next >= *window.last)) break;
  }
}

// POST count/am/asset at `target`: the number it reports (0 for HTTP 204; none when the answer
// has no count).
asio::awaitable<std::optional<std::int64_t>> csam_count(JobEnvironment& env, JobResult& result,
                                                        const std::string& target,
                                                        const std::string& description) {
  auto& session = env.session;
  const std::string body = env.config.jobs.assets.filter_json;
  std::optional<std::int64_t> total;
  const qualys::Attempt attempt = [&](int) -> asio::awaitable<void> {
    BufferedBody buffer;
    CountingConsumer counting(buffer, result, env.progress);
    const auto status = co_await session.post_gateway(env.context, target, body, counting);
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
  co_await qualys::run_with_retries(env.context, session.retry_policy(), description, attempt);
  co_return total;
}

// count/am/asset with the search's parameters: assets above `last_seen`, updated after
// `changed_after` (qualys-api.md §4.4).
std::string count_target(std::optional<std::int64_t> last_seen, const std::string& changed_after) {
  std::string target = "/rest/2.0/count/am/asset";
  std::string separator = "?";
  if (last_seen) {
    target += separator + "lastSeenAssetId=" + std::to_string(*last_seen);
    separator = "&";
  }
  if (!changed_after.empty()) {
    target += separator + "assetLastUpdated=" + net::url_encode_component(changed_after);
  }
  return target;
}

// The windows for a pull of `assets` assets: one unbounded window unless the pull is big enough
// (asset_window_count); then split points found by count calls.
asio::awaitable<std::vector<AssetWindow>> plan_asset_windows(JobEnvironment& env, JobResult& result,
                                                             const std::string& changed_after,
                                                             std::int64_t assets) {
  const auto& job_config = env.config.jobs.assets;
  const std::size_t wanted = asset_window_count(assets, job_config.assets_per_window,
                                                job_config.page_size, window_workers(env.config));
  if (wanted < 2) co_return std::vector<AssetWindow>(1);
  // Within a tenth of a window's share, or a page, of the target: closer buys nothing.
  const auto share = assets / static_cast<std::int64_t>(wanted);
  const std::int64_t tolerance = std::max<std::int64_t>(job_config.page_size, share / 10);
  AssetIdSplitter splitter(assets, wanted, tolerance, asset_split_budget(wanted));
  while (const auto probe = splitter.next_probe()) {
    const std::string target = count_target(probe, changed_after);
    const std::string description = "CSAM asset count after asset " + std::to_string(*probe);
    const auto count = co_await csam_count(env, result, target, description);
    if (!count) break;  // no number to place a split with: use the points found so far
    splitter.record(*probe, *count);
  }
  auto windows = splitter.windows();
  log::info(fmt::format("assets: {} assets in {} windows of about {}, split with {} count calls "
                        "(at most {})",
                        assets, windows.size(), share, splitter.count_calls(),
                        asset_split_budget(wanted)),
            {{"JOB", "assets"},
             {"RUN_ID", env.context.run_id},
             {"COUNT_CALLS", std::to_string(splitter.count_calls())}});
  co_return windows;
}

// Every asset of the CSAM search (changed_after: only those updated since; `assets`: how many
// the count said), into `writer`, `host_ids`, `host_id_list` and `asset_ids` as
// fetch_asset_pages does, in ascending assetId order also when the windows run concurrently.
asio::awaitable<void> pull_assets(JobEnvironment& env, JobResult& result,
                                  const std::string& changed_after, std::int64_t assets,
                                  output::CsvWriter& writer, output::CsvWriter& host_ids,
                                  std::vector<std::int64_t>& host_id_list,
                                  std::vector<std::int64_t>* asset_ids) {
  PullProgress progress(env);
  const std::vector<AssetWindow> windows =
      co_await plan_asset_windows(env, result, changed_after, assets);
  if (windows.size() == 1) {
    co_await fetch_asset_pages(env, result, changed_after, windows.front(), writer, host_ids,
                               host_id_list, asset_ids, progress);
    co_return;
  }
  // Collected per window and appended in window order, so both lists ascend as with one cursor.
  std::vector<std::vector<std::int64_t>> window_host_ids(windows.size());
  std::vector<std::vector<std::int64_t>> window_asset_ids(windows.size());
  const FetchWindow fetch = [&](std::size_t index,
                                std::vector<output::CsvWriter>& segments) -> asio::awaitable<void> {
    std::vector<std::int64_t>* ids = nullptr;
    if (asset_ids) ids = &window_asset_ids[index];
    co_await fetch_asset_pages(env, result, changed_after, windows[index], segments[0], segments[1],
                               window_host_ids[index], ids, progress);
  };
  const DeliverWindow deliver = [&](std::size_t index, std::vector<output::CsvWriter>& segments) {
    writer.append_segment(segments[0]);
    host_ids.append_segment(segments[1]);
    auto& hosts = window_host_ids[index];
    host_id_list.insert(host_id_list.end(), hosts.begin(), hosts.end());
    std::vector<std::int64_t>().swap(hosts);
    if (asset_ids) {
      auto& ids = window_asset_ids[index];
      asset_ids->insert(asset_ids->end(), ids.begin(), ids.end());
      std::vector<std::int64_t>().swap(ids);
    }
  };
  const WindowPlan plan = window_plan(env, windows.size(), 2);
  co_await fetch_windows_in_order(plan, fetch, deliver);
}

// Whether `written` is within jobs.assets.count_tolerance of the CSAM count; the inventory
// changes during a run, but not by much.
std::optional<std::string> count_problem(const config::AssetsJobConfig& config,
                                         std::int64_t written, std::int64_t total) {
  const auto allowed =
      static_cast<std::int64_t>(static_cast<double>(total) * config.count_tolerance);
  if (std::llabs(written - total) <= allowed) return std::nullopt;
  return fmt::format(
      "{} assets but CSAM counted {} at the start of the run (tolerance {}, "
      "jobs.assets.count_tolerance {})",
      written, total, allowed, config.count_tolerance);
}

}  // namespace

asio::awaitable<JobResult> run_assets_job(JobEnvironment& env) {
  const auto& job_config = env.config.jobs.assets;
  JobResult result;
  result.kind = JobKind::assets;

  std::optional<std::int64_t> total;
  const std::string count_description = "CSAM asset count";
  const std::string everything;
  const std::string whole_count = count_target(std::nullopt, everything);
  total = co_await csam_count(env, result, whole_count, count_description);
  log::info(fmt::format("{}: CSAM reports {} assets", env.context.job, total.value_or(0)),
            {{"JOB", env.context.job},
             {"RUN_ID", env.context.run_id},
             {"CSAM_COUNT", std::to_string(total.value_or(0))}});

  const IncrementalBase base(env.config, JobKind::assets);
  IncrementalPlan mode = base.plan(env.started, env.full);
  log::info("assets: " + mode.reason, {{"JOB", "assets"}, {"RUN_ID", env.context.run_id}});

  const auto dialect = dialect_of(env.config);
  output::Publication publication(env.config.output.dir, {std::string(kAssetsFile)}, dialect);
  tap_for_publishing(publication);
  auto& writer = publication.writer(kAssetsFile);
  write_header(writer, kAssetsHeader);
  const auto after_header = writer.mark();
  auto host_id_rows = output::CsvWriter::create_segment(env.config.output.dir, dialect);
  // hostIds of the published assets, for the reference check against vm.csv (8 bytes each).
  std::vector<std::int64_t> host_ids;
  std::string changes;

  if (mode.incremental) {
    auto changed = output::CsvWriter::create_segment(env.config.output.dir, dialect);
    auto changed_host_ids = output::CsvWriter::create_segment(env.config.output.dir, dialect);
    std::vector<std::int64_t> changed_host_id_list;
    std::vector<std::int64_t> changed_id_list;
    // Windows only pay off for many changes; the changed count costs a call, so it is taken
    // only when the whole inventory would be split.
    std::int64_t changed_count = 0;
    if (asset_window_count(total.value_or(0), job_config.assets_per_window, job_config.page_size,
                           window_workers(env.config)) > 1) {
      const std::string changed_target = count_target(std::nullopt, mode.changed_after);
      const std::string changed_description =
          "CSAM count of assets updated after " + mode.changed_after;
      const auto counted = co_await csam_count(env, result, changed_target, changed_description);
      changed_count = counted.value_or(0);
    }
    co_await pull_assets(env, result, mode.changed_after, changed_count, changed, changed_host_ids,
                         changed_host_id_list, &changed_id_list);
    IdSet changed_ids;
    for (const auto id : changed_id_list) changed_ids.add(id, id);
    host_id_rows.write_header({"AssetID", "HostID"});
    const auto collect = [&](std::string_view row) {
      if (auto id = second_field_id(row)) host_ids.push_back(*id);
    };
    merge_into(base,
               {{kAssetsFile, &changed, &writer},
                {kHostIdsFile, &changed_host_ids, &host_id_rows, collect}},
               changed_ids);
    changes = fmt::format(", {} updated after {}", changed.rows(), mode.changed_after);
    // Deleted assets only leave at a full pull; when they (or anything else) put the merged
    // inventory outside the count check, pull everything now instead.
    if (const auto problem =
            total ? count_problem(job_config, static_cast<std::int64_t>(writer.rows()), *total)
                  : std::nullopt;
        problem && !env.force) {
      log::info("assets: the incremental result has " + *problem + "; pulling everything instead",
                {{"JOB", "assets"}, {"RUN_ID", env.context.run_id}});
      writer.rollback(after_header);
      host_id_rows.rollback({0, 0});
      host_ids.clear();
      changes.clear();
      mode = IncrementalPlan{false, "full pull (count check after the incremental merge)", ""};
    }
  }
  if (!mode.incremental) {
    host_id_rows.write_header({"AssetID", "HostID"});
    const std::int64_t assets = total.value_or(0);
    co_await pull_assets(env, result, everything, assets, writer, host_id_rows, host_ids, nullptr);
    // Count check: a large gap means pages went missing (or the count endpoint and the search
    // disagree).
    if (total && !env.force) {
      if (const auto problem =
              count_problem(job_config, static_cast<std::int64_t>(writer.rows()), *total)) {
        throw FatalError("wrote " + *problem +
                         "; not publishing. If the inventory really changed that much during the "
                         "run, run `qualys-insightd run --force assets`");
      }
    }
  }
  result.files.push_back(describe_file(kAssetsFile, writer));
  publish_checked(env, publication, result.files, result);
  const state::StateDir state_dir(env.config.state.dir);
  save_after_publishing(
      env, result, state::StateDir::kAssetHostIds,
      [&] { state_dir.save_asset_host_ids(std::move(host_ids)); },
      [&] { state_dir.forget_asset_host_ids(); });
  auto base_files = published_paths(env.config, {kAssetsFile});
  base_files.push_back({std::string(kHostIdsFile), {}, &host_id_rows});
  save_after_publishing(env, result, "the incremental base", [&] {
    base.save(base_files, env.started, !mode.incremental, env.context.run_id);
  });
  result.summary =
      fmt::format("{} assets{} in {} pages (CSAM count {}), {}", writer.rows(), changes,
                  result.pages, total.value_or(0), mode.incremental ? "incremental" : "full pull");
  co_return result;
}

}  // namespace qi::jobs
