// kb: KnowledgeBase vuln list in id_min/id_max windows (docs/qualys-api.md §5: no truncation_limit,
// no WARNING paging; the client chunks by QID itself), fetched concurrently and written in QID
// order (ordered_windows.hpp). An incremental pull asks for the QIDs modified since in one open
// window.
#include <fmt/format.h>

#include <fstream>
#include <map>

#include "common/error.hpp"
#include "common/log.hpp"
#include "jobs/columns.hpp"
#include "jobs/job.hpp"
#include "jobs/kb_columns.hpp"
#include "jobs/ordered_windows.hpp"
#include "jobs/pull_job.hpp"
#include "jobs/record_writers.hpp"
#include "output/atomic_file.hpp"
#include "qualys/kb_parser.hpp"
#include "state/state_dir.hpp"

namespace qi::jobs {

namespace {

struct QidWindow {
  std::int64_t min = 1;
  std::optional<std::int64_t> max;  // the last window is open-ended

  std::string text() const {
    return std::to_string(min) + "-" + (max ? std::to_string(*max) : std::string());
  }
};

std::vector<QidWindow> qid_windows(const config::KbJobConfig& config) {
  std::vector<QidWindow> windows;
  const auto size = std::max<std::int64_t>(config.window_size, 1);
  for (std::int64_t min = 1; min <= config.max_qid; min += size) {
    windows.push_back({min, std::min(min + size - 1, config.max_qid)});
  }
  // Whatever lies above max_qid still arrives, in one open window.
  windows.push_back({config.max_qid + 1, std::nullopt});
  return windows;
}

// One window's QIDs into `vulnkb` and `cve` (segments, rolled back on a retry); returns the
// QIDs it wrote.
asio::awaitable<IdSet> fetch_kb_window(JobCalls& calls, const qualys::KbListQuery& query,
                                       const std::vector<config::Column>& columns,
                                       output::CsvWriter& vulnkb, output::CsvWriter& cve) {
  const QidWindow window{query.id_min, query.id_max};
  const auto request = qualys::kb_list_request(query);
  const std::string description = "KB window " + window.text();
  IdSet qids;
  const qualys::Attempt attempt = [&](int) -> asio::awaitable<void> {
    vulnkb.rollback({0, 0});
    cve.rollback({0, 0});
    qids = IdSet();
    std::optional<std::int64_t> last_qid;
    qualys::KbParser parser(
        [&](qualys::KbVuln&& vuln) {
          if (vuln.qid < window.min || (window.max && vuln.qid > *window.max) ||
              (last_qid && vuln.qid <= *last_qid)) {
            throw TransientError("KB returned QID " + std::to_string(vuln.qid) +
                                 " outside window " + window.text() + " or out of order");
          }
          last_qid = vuln.qid;
          qids.add(vuln.qid, vuln.qid);
          write_kb_rows(vulnkb, cve, vuln, columns);
        },
        kb_fields(columns));
    qualys::ParserConsumer consumer(parser);
    co_await calls.post_v2(request, consumer);
  };
  co_await calls.with_retries(description, attempt);
  co_return qids;
}

class KbPull final : public PullJob {
 public:
  explicit KbPull(JobEnvironment& env)
      : env_(env),
        config_(env.config.jobs.kb),
        columns_(env.config.output.extra_columns.vulnkb),
        vulnkb_header_(header_with(kVulnKbHeader, columns_)) {}

  std::vector<JobFile> files() const override {
    return {{kVulnKbFile, vulnkb_header_}, {kCveFile, kCveHeader}};
  }

  asio::awaitable<void> pull(JobCalls& calls, const PullRun& run, PullOutput out) override {
    const bool incremental = run.plan.incremental;
    const auto previous_windows = state::StateDir(env_.config.state.dir).read_kb_window_rows();
    // Incremental: few QIDs, so one open window.
    const auto windows = incremental ? std::vector<QidWindow>{QidWindow{}} : qid_windows(config_);
    std::vector<IdSet> window_qids(windows.size());
    const FetchWindow fetch =
        [&](std::size_t index, std::vector<output::CsvWriter>& segments) -> asio::awaitable<void> {
      const qualys::KbListQuery query{.api_version = config_.api_version,
                                      .details = config_.details,
                                      .id_min = windows[index].min,
                                      .id_max = windows[index].max,
                                      .modified_after = run.plan.changed_after};
      window_qids[index] =
          co_await fetch_kb_window(calls, query, columns_, segments[0], segments[1]);
    };
    const DeliverWindow deliver = [&](std::size_t index, std::vector<output::CsvWriter>& segments) {
      const QidWindow& window = windows[index];
      out[0]->append_segment(segments[0]);
      out[1]->append_segment(segments[1]);
      calls.count_page();
      calls.report(out[0]->rows(), "QID window " + window.text());
      if (!incremental) note_window_rows(window, segments[0].rows(), previous_windows);
    };
    const WindowPlan plan = window_plan(env_, windows.size(), 2);
    co_await fetch_windows_in_order(plan, fetch, deliver);
    changed_qids_ = std::move(window_qids.front());
  }

  asio::awaitable<Changes> changes(JobCalls&, const PullRun&) override {
    co_return Changes{changed_qids_, std::nullopt};
  }

  std::vector<StateRecord> after_publishing(const PullRun& run, JobResult& result) override {
    result.references.insert(emptied_.begin(), emptied_.end());
    if (run.plan.incremental) return {};
    // Counts of an older publication would warn about the wrong windows: gone rather than stale.
    const state::StateDir state_dir(env_.config.state.dir);
    return {{std::string(state::StateDir::kKbWindowRows),
             [this, state_dir] { state_dir.save_kb_window_rows(window_rows_); },
             [state_dir] { state_dir.forget_kb_window_rows(); }}};
  }

  std::string summary(const PullOutcome& outcome) const override {
    const std::string changes =
        outcome.incremental
            ? fmt::format(" ({} changed after {})", changed_qids_.size(), outcome.changed_after)
            : std::string();
    return fmt::format("{} QIDs{} and {} QID-CVE pairs in {} windows, {}", outcome.files[0]->rows(),
                       changes, outcome.files[1]->rows(), outcome.pages,
                       outcome.incremental ? "incremental" : "full pull");
  }

 private:
  // A full pull records each window's QIDs, and notes a window that came back empty where the
  // last publication had QIDs.
  void note_window_rows(const QidWindow& window, std::uint64_t rows,
                        const std::map<std::string, std::uint64_t>& previous_windows) {
    window_rows_.emplace_back(window.text(), rows);
    if (auto before = previous_windows.find(window.text());
        rows == 0 && before != previous_windows.end() && before->second > 0) {
      // Not an error (QIDs can be retired), but worth a look: an empty window where the last
      // publication had QIDs can also be a Qualys-side problem.
      log::warn(fmt::format("kb: window {} returned no QIDs; the last publication had {}",
                            window.text(), before->second),
                {{"JOB", "kb"}, {"RUN_ID", env_.context.run_id}});
      auto& check = emptied_["kb_windows_now_empty"];
      ++check.count;
      if (check.first.size() < 5) check.first.push_back(window.text());
    }
  }

  JobEnvironment& env_;
  const config::KbJobConfig& config_;
  const std::vector<config::Column>& columns_;
  std::vector<std::string_view> vulnkb_header_;
  IdSet changed_qids_;
  std::vector<std::pair<std::string, std::uint64_t>> window_rows_;
  std::map<std::string, output::ReferenceCheck> emptied_;
};

}  // namespace

asio::awaitable<JobResult> run_kb_job(JobEnvironment& env) {
  KbPull job(env);
  co_return co_await run_pull_job(env, JobKind::kb, job);
}

}  // namespace qi::jobs
