// assets: every CSAM asset into assets.csv (asset_search.hpp). The run starts with the CSAM
// count, which places the windows and checks the result: a pull that lands far from it is not
// published. An incremental pull searches the assets updated since; when the merged inventory
// fails the count check (deleted assets only leave at a full pull), everything is pulled instead.
#include <fmt/format.h>

#include <algorithm>

#include "common/error.hpp"
#include "common/log.hpp"
#include "jobs/asset_search.hpp"
#include "jobs/columns.hpp"
#include "jobs/job.hpp"
#include "jobs/publish_step.hpp"
#include "jobs/pull_job.hpp"
#include "state/state_dir.hpp"

namespace qi::jobs {

namespace {

// The asset → hostId pairs, kept beside the base (assets.csv has no hostId column) so that an
// incremental run knows every published asset's host for the reference check against vm.csv.
constexpr std::string_view kHostIdsFile = "asset-host-ids.csv";
constexpr std::array<std::string_view, 2> kHostIdsHeader = {"AssetID", "HostID"};

std::optional<std::int64_t> second_field_id(std::string_view row) {
  const auto comma = row.find("\",\"");
  if (comma == std::string_view::npos) return std::nullopt;
  return leading_id(row.substr(comma + 2));
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

class AssetsPull final : public PullJob {
 public:
  explicit AssetsPull(JobEnvironment& env)
      : env_(env),
        config_(env.config.jobs.assets),
        columns_(env.config.output.extra_columns.assets),
        header_(header_with(kAssetsHeader, columns_)) {}

  std::vector<JobFile> files() const override {
    return {{kAssetsFile, header_}, {kHostIdsFile, kHostIdsHeader, false}};
  }

  asio::awaitable<void> start(JobCalls& calls) override {
    const std::string description = "CSAM asset count";
    const auto request = qualys::csam_count_request({.filter_json = config_.filter_json});
    total_ = co_await csam_count(calls, request, description);
    const auto& context = calls.context();
    log::info(fmt::format("{}: CSAM reports {} assets", context.job, total_.value_or(0)),
              {{"JOB", context.job},
               {"RUN_ID", context.run_id},
               {"CSAM_COUNT", std::to_string(total_.value_or(0))}});
  }

  asio::awaitable<void> pull(JobCalls& calls, const PullRun& run, PullOutput out) override {
    const auto workers = window_workers(env_.config);
    AssetSearch search(calls, config_, {run.plan.changed_after, columns_});
    if (run.plan.incremental) {
      // Windows only pay off for many changes; the changed count costs a call, so it is taken
      // only when the whole inventory would be split.
      std::int64_t changed_count = 0;
      if (asset_window_count(total_.value_or(0), config_.assets_per_window, config_.page_size,
                             workers) > 1) {
        const auto request = qualys::csam_count_request(
            {.updated_after = run.plan.changed_after, .filter_json = config_.filter_json});
        const std::string description =
            "CSAM count of assets updated after " + run.plan.changed_after;
        changed_count = (co_await csam_count(calls, request, description)).value_or(0);
      }
      // The hostIds come from the merged rows (merged_rows_of).
      std::vector<std::int64_t> changed_host_ids;
      const auto windows = co_await search.plan_windows(changed_count, workers);
      co_await search.pull(windows, window_plan(env_, windows.size(), 2),
                           {*out[0], *out[1], changed_host_ids, &changed_asset_ids_});
      co_return;
    }
    reserve_host_ids();
    const auto windows = co_await search.plan_windows(total_.value_or(0), workers);
    co_await search.pull(windows, window_plan(env_, windows.size(), 2),
                         {*out[0], *out[1], host_ids_});
    // Count check: a large gap means pages went missing (or the count endpoint and the search
    // disagree).
    if (total_ && !env_.force) {
      if (const auto problem =
              count_problem(config_, static_cast<std::int64_t>(out[0]->rows()), *total_)) {
        throw FatalError("wrote " + *problem +
                         "; not publishing. If the inventory really changed that much during the "
                         "run, run `qualys-insightd run --force assets`");
      }
    }
  }

  asio::awaitable<Changes> changes(JobCalls&, const PullRun&) override {
    Changes changes;
    for (const auto id : changed_asset_ids_) changes.replaced.add(id, id);
    co_return changes;
  }

  // The merged asset-host-ids rows give the hostIds of the whole inventory.
  std::function<void(std::string_view row)> merged_rows_of(std::size_t file) override {
    if (file != 1) return {};
    reserve_host_ids();
    return [this](std::string_view row) {
      if (auto id = second_field_id(row)) host_ids_.push_back(*id);
    };
  }

  std::optional<std::string> merged_problem(PullOutput merged) override {
    if (!total_ || env_.force) return std::nullopt;
    auto problem = count_problem(config_, static_cast<std::int64_t>(merged[0]->rows()), *total_);
    if (problem) host_ids_.clear();
    return problem;
  }

  std::vector<StateRecord> after_publishing(const PullRun&, JobResult&) override {
    const state::StateDir state_dir(env_.config.state.dir);
    return {{std::string(state::StateDir::kAssetHostIds),
             [this, state_dir] { state_dir.save_asset_host_ids(std::move(host_ids_)); },
             [state_dir] { state_dir.forget_asset_host_ids(); }}};
  }

  std::string summary(const PullOutcome& outcome) const override {
    const std::string changes = outcome.incremental
                                    ? fmt::format(", {} updated after {}",
                                                  outcome.changed[0]->rows(), outcome.changed_after)
                                    : std::string();
    return fmt::format("{} assets{} in {} pages (CSAM count {}), {}", outcome.files[0]->rows(),
                       changes, outcome.pages, total_.value_or(0),
                       outcome.incremental ? "incremental" : "full pull");
  }

 private:
  JobEnvironment& env_;
  const config::AssetsJobConfig& config_;
  const std::vector<config::Column>& columns_;
  std::vector<std::string_view> header_;
  std::optional<std::int64_t> total_;
  std::vector<std::int64_t> changed_asset_ids_;
  // hostIds of the published assets, for the reference check against vm.csv (8 bytes each).
  // Room for a hostId per asset CSAM counted, so that the list (8 MB at a million) never grows
  // by copying into one twice its size: that copy made the peak of a full pull. Untouched pages
  // of the reservation cost no memory, and a count beyond kMaxReservedHostIds (a server's
  // mistake) is not reserved for.
  void reserve_host_ids() {
    host_ids_.clear();
    const auto expected = static_cast<std::size_t>(std::max<std::int64_t>(total_.value_or(0), 0));
    if (expected <= kMaxReservedHostIds) host_ids_.reserve(expected);
  }
  static constexpr std::size_t kMaxReservedHostIds = std::size_t{1} << 24;

  std::vector<std::int64_t> host_ids_;
};

}  // namespace

asio::awaitable<JobResult> run_assets_job(JobEnvironment& env) {
  AssetsPull job(env);
  co_return co_await run_pull_job(env, JobKind::assets, job);
}

}  // namespace qi::jobs
