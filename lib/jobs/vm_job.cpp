// vm: host detections (qualys-api.md §6). The host IDs are listed first (host list API,
// details=None, truncation_limit=0) and split into windows of jobs.vm.hosts_per_window hosts,
// fetched concurrently and written in host-ID order (ordered_windows.hpp). Inside a window the
// pull pages by truncation_limit and the WARNING 1980 next-page URL, and ends only on a page
// without WARNING. hosts_per_window 0 is the single-stream mode: one window over every host.
#include <fmt/format.h>

#include "common/error.hpp"
#include "common/log.hpp"
#include "jobs/columns.hpp"
#include "jobs/host_windows.hpp"
#include "jobs/incremental_base.hpp"
#include "jobs/job.hpp"
#include "jobs/job_support.hpp"
#include "jobs/merge_by_key.hpp"
#include "jobs/ordered_windows.hpp"
#include "jobs/publish_step.hpp"
#include "jobs/record_writers.hpp"
#include "net/form_encoding.hpp"
#include "qualys/detection_parser.hpp"
#include "qualys/host_id_set_parser.hpp"

namespace qi::jobs {

namespace {

using Form = std::vector<std::pair<std::string, std::string>>;

std::string detection_form(const config::VmJobConfig& config, const HostWindow& window) {
  Form form = {{"action", "list"},
               {"output_format", "XML"},
               {"truncation_limit", std::to_string(config.truncation_limit)},
               {"status", config.status},
               {"show_results", "0"},
               {"show_igs", config.show_igs ? "1" : "0"},
               {"include_ignored", config.include_ignored ? "1" : "0"},
               {"include_disabled", config.include_disabled ? "1" : "0"}};
  if (!config.severities.empty()) form.emplace_back("severities", config.severities);
  if (window.id_min) form.emplace_back("id_min", std::to_string(*window.id_min));
  if (window.id_max) form.emplace_back("id_max", std::to_string(*window.id_max));
  if (!window.ids.empty()) form.emplace_back("ids", window.ids);
  return net::form_encode(form);
}

// Hosts per window; incremental (listed) windows use the default size also in single-stream mode.
std::int64_t hosts_per_window(const config::VmJobConfig& config) {
  return config.hosts_per_window > 0 ? config.hosts_per_window : 1000;
}

// Where a WARNING URL may lead: only our own API host (anything else would receive our
// credentials), and never back to the page just fetched.
std::string next_page_target(qualys::QualysSession& session, const std::string& url,
                             const std::string& current_target, bool current_has_body,
                             const std::string& what) {
  auto next_target = session.api_target_of(url);
  if (!next_target) {
    throw FatalError(what + ": refusing to follow a WARNING URL that does not point at " +
                     session.endpoints().api.host + " over HTTPS (credentials would go elsewhere)");
  }
  if (*next_target == current_target && !current_has_body) {
    throw FatalError(what + ": the WARNING URL repeats the previous page; stopping a loop");
  }
  return std::move(*next_target);
}

// The host-ID list, split into windows as it streams in. Pages (if Qualys truncates despite
// truncation_limit=0) are followed like detection pages. With `changed_after` (an incremental
// pull) only the hosts processed since are listed, in `listed` windows, and gathered in `hosts`.
struct HostList {
  std::vector<HostWindow> windows;
  std::uint64_t hosts = 0;
};

asio::awaitable<std::optional<HostList>> list_host_windows(JobEnvironment& env, JobResult& result,
                                                           const std::string& changed_after,
                                                           IdSet& hosts) {
  const auto& job_config = env.config.jobs.vm;
  auto& session = env.session;
  std::string target = job_config.api_version + "/fo/asset/host/";
  Form form = {{"action", "list"}, {"details", "None"}, {"truncation_limit", "0"}};
  if (!changed_after.empty()) form.emplace_back("vm_processed_after", changed_after);
  std::string form_body = net::form_encode(form);
  const auto shape =
      changed_after.empty() ? HostWindowBuilder::Shape::covering : HostWindowBuilder::Shape::listed;
  HostWindowBuilder builder(shape, hosts_per_window(job_config));
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
      CountingConsumer counting(consumer, result, env.progress);
      co_await session.post_v2(env.context, target, form_body, counting);
      next_url = parser.next_page_url();
    };
    co_await qualys::run_with_retries(env.context, session.retry_policy(), description, attempt);
    if (!ascending) co_return std::nullopt;
    if (!next_url) break;
    target = next_page_target(session, *next_url, target, !form_body.empty(), description);
    form_body.clear();
  }
  HostList list;
  list.hosts = builder.hosts();
  list.windows = std::move(builder).finish();
  co_return list;
}

// One window: its detection pages, following WARNING URLs, into `segment`.
asio::awaitable<std::uint64_t> fetch_detection_window(JobEnvironment& env, JobResult& result,
                                                      const HostWindow& window,
                                                      output::CsvWriter& segment) {
  const auto& job_config = env.config.jobs.vm;
  auto& session = env.session;
  DetectionRowWriter rows(segment);
  std::string target = job_config.api_version + "/fo/asset/host/vm/detection/";
  std::string form_body = detection_form(job_config, window);
  for (std::uint64_t page = 1;; ++page) {
    const auto mark = segment.mark();
    const auto last_host = rows.last_host_id();
    std::optional<std::string> next_url;
    const std::string description =
        "host detection window " + window.text() + " page " + std::to_string(page);
    const qualys::Attempt attempt = [&](int) -> asio::awaitable<void> {
      segment.rollback(mark);
      rows.reset_last_host_id(last_host);
      qualys::DetectionParser parser([&](qualys::DetectionHost&& host) { rows.write(host); });
      qualys::ParserConsumer consumer(parser);
      CountingConsumer counting(consumer, result, env.progress);
      co_await session.post_v2(env.context, target, form_body, counting);
      next_url = parser.next_page_url();
    };
    co_await qualys::run_with_retries(env.context, session.retry_policy(), description, attempt);
    ++result.pages;
    if (!next_url) break;
    // Follow the URL as Qualys gave it (it echoes our parameters and adds id_min).
    target = next_page_target(session, *next_url, target, !form_body.empty(), description);
    form_body.clear();
  }
  co_return rows.hosts();
}

}  // namespace

asio::awaitable<JobResult> run_vm_job(JobEnvironment& env) {
  const auto& job_config = env.config.jobs.vm;
  JobResult result;
  result.kind = JobKind::vm;

  const IncrementalBase base(env.config, JobKind::vm);
  const IncrementalPlan mode = base.plan(env.started, env.full);
  log::info("vm: " + mode.reason, {{"JOB", "vm"}, {"RUN_ID", env.context.run_id}});

  output::Publication publication(env.config.output.dir, {std::string(kVmFile)},
                                  dialect_of(env.config));
  tap_for_publishing(publication);
  auto& vm = publication.writer(kVmFile);
  write_header(vm, kVmHeader);
  std::optional<output::CsvWriter> changed;
  if (mode.incremental) {
    changed = output::CsvWriter::create_segment(env.config.output.dir, dialect_of(env.config));
  }
  auto& vm_out = mode.incremental ? *changed : vm;

  IdSet listed_hosts;
  std::vector<HostWindow> windows(1);  // single stream: one window over every host
  if (mode.incremental || job_config.hosts_per_window > 0) {
    auto listed = co_await list_host_windows(env, result, mode.changed_after, listed_hosts);
    if (listed) {
      windows = std::move(listed->windows);
      log::info(fmt::format("vm: {} hosts{}, in {} windows of up to {} hosts", listed->hosts,
                            mode.incremental ? " processed after " + mode.changed_after : "",
                            windows.size(), hosts_per_window(job_config)),
                {{"JOB", "vm"}, {"RUN_ID", env.context.run_id}});
    } else if (mode.incremental) {
      base.drop();
      throw FatalError("the host ID list (processed after " + mode.changed_after +
                       ") was not in ascending order; the next run pulls everything");
    } else {
      log::warn(
          "vm: the host ID list was not in ascending order; pulling detections as one "
          "stream instead of in windows",
          {{"JOB", "vm"}, {"RUN_ID", env.context.run_id}});
    }
  }

  ProgressReporter progress(env);
  std::uint64_t hosts = 0;
  std::vector<std::uint64_t> window_hosts(windows.size());
  const FetchWindow fetch = [&](std::size_t index,
                                std::vector<output::CsvWriter>& segments) -> asio::awaitable<void> {
    const auto window_host_count =
        co_await fetch_detection_window(env, result, windows[index], segments[0]);
    window_hosts[index] = window_host_count;
  };
  const DeliverWindow deliver = [&](std::size_t index, std::vector<output::CsvWriter>& segments) {
    vm_out.append_segment(segments[0]);
    hosts += window_hosts[index];
    progress.update(vm_out.rows(), fmt::format("window {} of {} ({})", index + 1, windows.size(),
                                               windows[index].text()));
  };
  const WindowPlan plan = window_plan(env, windows.size(), 1);
  co_await fetch_windows_in_order(plan, fetch, deliver);

  std::string changes;
  if (mode.incremental) {
    // Purged hosts: the whole ID list is one cheap call, and the base's hosts not on it go.
    IdSet present_hosts;
    const std::string everything;
    const auto all_listed = co_await list_host_windows(env, result, everything, present_hosts);
    if (!all_listed) {
      base.drop();
      throw FatalError(
          "the host ID list was not in ascending order; the next run pulls everything");
    }
    merge_into(base, {{kVmFile, &*changed, &vm}}, listed_hosts, &present_hosts);
    changes = fmt::format(", {} hosts processed after {} re-pulled", listed_hosts.size(),
                          mode.changed_after);
  }

  result.files.push_back(describe_file(kVmFile, vm));
  publish_checked(env, publication, result.files, result);
  save_after_publishing(env, result, "the incremental base", [&] {
    base.save(published_paths(env.config, {kVmFile}), env.started, !mode.incremental,
              env.context.run_id);
  });
  result.summary =
      fmt::format("{} host-QID pairs{} in {} pages ({} windows), {}", vm.rows(),
                  mode.incremental ? changes : fmt::format(" from {} hosts", hosts), result.pages,
                  windows.size(), mode.incremental ? "incremental" : "full pull");
  co_return result;
}

}  // namespace qi::jobs
