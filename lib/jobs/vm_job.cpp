// vm: host detections (docs/qualys-api.md §6). The host IDs are listed first (host list API,
// details=None, truncation_limit=0) and split into windows of jobs.vm.hosts_per_window hosts,
// fetched concurrently and written in host-ID order (ordered_windows.hpp). Inside a window the
// pull pages by truncation_limit and the WARNING 1980 next-page URL, and ends only on a page
// without WARNING. hosts_per_window 0 is the single-stream mode: one window over every host.
#include <fmt/format.h>

#include <algorithm>

#include "common/error.hpp"
#include "common/log.hpp"
#include "jobs/columns.hpp"
#include "jobs/host_windows.hpp"
#include "jobs/job.hpp"
#include "jobs/ordered_windows.hpp"
#include "jobs/pull_job.hpp"
#include "jobs/record_writers.hpp"
#include "jobs/vm_columns.hpp"
#include "qualys/detection_parser.hpp"
#include "qualys/host_id_set_parser.hpp"

namespace qi::jobs {

namespace {

// Hosts per window; incremental (listed) windows use the default size also in single-stream mode.
std::int64_t hosts_per_window(const config::VmJobConfig& config) {
  return config.hosts_per_window > 0 ? config.hosts_per_window : 1000;
}

// The host-ID list, split into windows as it streams in.
struct HostList {
  std::vector<HostWindow> windows;
  std::uint64_t hosts = 0;
  IdSet ids;  // every listed ID
};

// What to list: with `processed_after` (an incremental pull) only the hosts processed since, in
// `listed` windows; otherwise every host, in covering windows.
struct HostListQuery {
  std::string_view api_version;
  std::string_view processed_after;
  std::int64_t hosts_per_window = 1000;
};

// Pages (if Qualys truncates despite truncation_limit=0) are followed like detection pages.
// None when the list does not ascend (covering windows would then be wrong).
asio::awaitable<std::optional<HostList>> list_host_windows(JobCalls& calls,
                                                           const HostListQuery& query) {
  qualys::PagedRequest request(
      qualys::host_id_list_request(query.api_version, query.processed_after));
  const auto shape = query.processed_after.empty() ? HostWindowBuilder::Shape::covering
                                                   : HostWindowBuilder::Shape::listed;
  HostWindowBuilder builder(shape, query.hosts_per_window);
  IdSet hosts;
  bool ascending = true;
  for (std::uint64_t page = 1;; ++page) {
    std::optional<std::string> next_url;
    const std::string description = "host ID list page " + std::to_string(page);
    auto builder_before = builder;
    auto hosts_before = hosts;
    const qualys::Attempt attempt = [&](int) -> asio::awaitable<void> {
      builder = builder_before;
      hosts = hosts_before;
      ascending = true;
      qualys::HostIdSetParser parser([&](std::int64_t first, std::int64_t last) {
        if (ascending && !builder.add(first, last)) ascending = false;
        if (ascending) hosts.add(first, last);
      });
      qualys::ParserConsumer consumer(parser);
      co_await calls.post_v2(request.current(), consumer);
      next_url = parser.next_page_url();
    };
    co_await calls.with_retries(description, attempt);
    if (!ascending) co_return std::nullopt;
    if (!request.follow(next_url, calls.session(), description)) break;
  }
  HostList list;
  list.hosts = builder.hosts();
  list.windows = std::move(builder).finish();
  list.ids = std::move(hosts);
  co_return list;
}

// What a detection call asks for: the jobs.vm settings and the chosen vm.csv extra columns.
struct DetectionQuery {
  const config::VmJobConfig& config;
  const std::vector<config::Column>& columns;
};

// One window: its detection pages, following WARNING URLs, into `segment`; returns its hosts.
asio::awaitable<std::uint64_t> fetch_detection_window(JobCalls& calls, const DetectionQuery& query,
                                                      const HostWindow& window,
                                                      output::CsvWriter& segment) {
  DetectionRowWriter rows(segment, query.columns);
  const auto fields = detection_fields(query.columns);
  const bool show_qds = std::find(query.columns.begin(), query.columns.end(),
                                  config::Column::vm_qds) != query.columns.end();
  // Followed as Qualys gave it (it echoes our parameters and adds id_min).
  qualys::PagedRequest request(qualys::detection_list_request(
      query.config, {.id_min = window.id_min, .id_max = window.id_max, .ids = window.ids},
      {.show_qds = show_qds}));
  for (std::uint64_t page = 1;; ++page) {
    const auto mark = segment.mark();
    const auto last_host = rows.last_host_id();
    std::optional<std::string> next_url;
    const std::string description =
        "host detection window " + window.text() + " page " + std::to_string(page);
    const qualys::Attempt attempt = [&](int) -> asio::awaitable<void> {
      segment.rollback(mark);
      rows.reset_last_host_id(last_host);
      qualys::DetectionParser parser([&](qualys::DetectionHost&& host) { rows.write(host); },
                                     fields);
      qualys::ParserConsumer consumer(parser);
      co_await calls.post_v2(request.current(), consumer);
      next_url = parser.next_page_url();
    };
    co_await calls.with_retries(description, attempt);
    calls.count_page();
    if (!request.follow(next_url, calls.session(), description)) break;
  }
  co_return rows.hosts();
}

class VmPull final : public PullJob {
 public:
  explicit VmPull(JobEnvironment& env)
      : env_(env),
        config_(env.config.jobs.vm),
        columns_(env.config.output.extra_columns.vm),
        header_(header_with(kVmHeader, columns_)) {}

  std::vector<JobFile> files() const override { return {{kVmFile, header_}}; }

  asio::awaitable<void> pull(JobCalls& calls, const PullRun& run, PullOutput out) override {
    const auto& plan = run.plan;
    windows_ = std::vector<HostWindow>(1);  // single stream: one window over every host
    if (plan.incremental || config_.hosts_per_window > 0) {
      auto listed =
          co_await list_host_windows(calls, {.api_version = config_.api_version,
                                             .processed_after = plan.changed_after,
                                             .hosts_per_window = hosts_per_window(config_)});
      if (listed) {
        windows_ = std::move(listed->windows);
        listed_hosts_ = std::move(listed->ids);
        log::info(fmt::format("vm: {} hosts{}, in {} windows of up to {} hosts", listed->hosts,
                              plan.incremental ? " processed after " + plan.changed_after : "",
                              windows_.size(), hosts_per_window(config_)),
                  {{"JOB", "vm"}, {"RUN_ID", env_.context.run_id}});
      } else if (plan.incremental) {
        run.base.drop();
        throw FatalError("the host ID list (processed after " + plan.changed_after +
                         ") was not in ascending order; the next run pulls everything");
      } else {
        log::warn(
            "vm: the host ID list was not in ascending order; pulling detections as one "
            "stream instead of in windows",
            {{"JOB", "vm"}, {"RUN_ID", env_.context.run_id}});
      }
    }

    std::vector<std::uint64_t> window_hosts(windows_.size());
    const FetchWindow fetch =
        [&](std::size_t index, std::vector<output::CsvWriter>& segments) -> asio::awaitable<void> {
      window_hosts[index] =
          co_await fetch_detection_window(calls, {config_, columns_}, windows_[index], segments[0]);
    };
    const DeliverWindow deliver = [&](std::size_t index, std::vector<output::CsvWriter>& segments) {
      out[0]->append_segment(segments[0]);
      hosts_ += window_hosts[index];
      calls.report(out[0]->rows(), fmt::format("window {} of {} ({})", index + 1, windows_.size(),
                                               windows_[index].text()));
    };
    const WindowPlan windows_plan = window_plan(env_, windows_.size(), 1);
    co_await fetch_windows_in_order(windows_plan, fetch, deliver);
  }

  // Purged hosts: the whole ID list is one cheap call, and the base's hosts not on it go.
  asio::awaitable<Changes> changes(JobCalls& calls, const PullRun& run) override {
    auto all_listed =
        co_await list_host_windows(calls, {.api_version = config_.api_version,
                                           .processed_after = "",
                                           .hosts_per_window = hosts_per_window(config_)});
    if (!all_listed) {
      run.base.drop();
      throw FatalError(
          "the host ID list was not in ascending order; the next run pulls everything");
    }
    co_return Changes{listed_hosts_, std::move(all_listed->ids)};
  }

  std::string summary(const PullOutcome& outcome) const override {
    const std::string changes = outcome.incremental
                                    ? fmt::format(", {} hosts processed after {} re-pulled",
                                                  listed_hosts_.size(), outcome.changed_after)
                                    : fmt::format(" from {} hosts", hosts_);
    return fmt::format("{} host-QID pairs{} in {} pages ({} windows), {}", outcome.files[0]->rows(),
                       changes, outcome.pages, windows_.size(),
                       outcome.incremental ? "incremental" : "full pull");
  }

 private:
  JobEnvironment& env_;
  const config::VmJobConfig& config_;
  const std::vector<config::Column>& columns_;
  std::vector<std::string_view> header_;
  std::vector<HostWindow> windows_;
  IdSet listed_hosts_;
  std::uint64_t hosts_ = 0;
};

}  // namespace

asio::awaitable<JobResult> run_vm_job(JobEnvironment& env) {
  VmPull job(env);
  co_return co_await run_pull_job(env, JobKind::vm, job);
}

}  // namespace qi::jobs
