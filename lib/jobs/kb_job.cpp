// kb: KnowledgeBase vuln list in id_min/id_max windows (qualys-api.md §5: no truncation_limit,
// no WARNING paging; the client chunks by QID itself), fetched concurrently and written in QID
// order (ordered_windows.hpp).
#include <fmt/format.h>

#include <map>

#include "common/error.hpp"
#include "common/log.hpp"
#include "jobs/columns.hpp"
#include "jobs/incremental_base.hpp"
#include "jobs/job.hpp"
#include "jobs/job_support.hpp"
#include "jobs/merge_by_key.hpp"
#include "jobs/ordered_windows.hpp"
#include "jobs/publish_step.hpp"
#include "jobs/record_writers.hpp"
#include "net/form_encoding.hpp"
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

}  // namespace

asio::awaitable<JobResult> run_kb_job(JobEnvironment& env) {
  const auto& job_config = env.config.jobs.kb;
  auto& session = env.session;
  JobResult result;
  result.kind = JobKind::kb;

  const IncrementalBase base(env.config, JobKind::kb);
  const IncrementalPlan mode = base.plan(env.started, env.full);
  log::info("kb: " + mode.reason, {{"JOB", "kb"}, {"RUN_ID", env.context.run_id}});

  output::Publication publication(env.config.output.dir,
                                  {std::string(kVulnKbFile), std::string(kCveFile)},
                                  dialect_of(env.config));
  tap_for_publishing(publication);
  auto& vulnkb = publication.writer(kVulnKbFile);
  auto& cve = publication.writer(kCveFile);
  write_header(vulnkb, kVulnKbHeader);
  write_header(cve, kCveHeader);
  // An incremental pull collects the changed QIDs apart and merges them into the base after.
  std::optional<output::CsvWriter> changed_vulnkb;
  std::optional<output::CsvWriter> changed_cve;
  if (mode.incremental) {
    changed_vulnkb =
        output::CsvWriter::create_segment(env.config.output.dir, dialect_of(env.config));
    changed_cve = output::CsvWriter::create_segment(env.config.output.dir, dialect_of(env.config));
  }
  auto& vulnkb_out = mode.incremental ? *changed_vulnkb : vulnkb;
  auto& cve_out = mode.incremental ? *changed_cve : cve;

  const std::string target = job_config.api_version + "/fo/knowledge_base/vuln/";
  const state::StateDir state_dir(env.config.state.dir);
  const auto previous_windows = state_dir.read_kb_window_rows();
  // Incremental: few QIDs, so one open window.
  const auto windows =
      mode.incremental ? std::vector<QidWindow>{QidWindow{}} : qid_windows(job_config);
  std::vector<std::pair<std::string, std::uint64_t>> window_rows;
  std::map<std::string, output::ReferenceCheck> emptied;
  std::vector<IdSet> changed_qids(windows.size());
  ProgressReporter progress(env);

  const FetchWindow fetch = [&](std::size_t index,
                                std::vector<output::CsvWriter>& segments) -> asio::awaitable<void> {
    const QidWindow& window = windows[index];
    std::vector<std::pair<std::string, std::string>> form = {
        {"action", "list"},
        {"details", job_config.details},
        {"id_min", std::to_string(window.min)}};
    if (window.max) form.emplace_back("id_max", std::to_string(*window.max));
    if (mode.incremental) form.emplace_back("last_modified_after", mode.changed_after);
    const auto form_body = net::form_encode(form);
    const std::string description = "KB window " + window.text();
    const qualys::Attempt attempt = [&](int) -> asio::awaitable<void> {
      for (auto& segment : segments) segment.rollback({0, 0});
      changed_qids[index] = IdSet();
      std::optional<std::int64_t> last_qid;
      qualys::KbParser parser([&](qualys::KbVuln&& vuln) {
        if (vuln.qid < window.min || (window.max && vuln.qid > *window.max) ||
            (last_qid && vuln.qid <= *last_qid)) {
          throw TransientError("KB returned QID " + std::to_string(vuln.qid) + " outside window " +
                               window.text() + " or out of order");
        }
        last_qid = vuln.qid;
        changed_qids[index].add(vuln.qid, vuln.qid);
        write_kb_rows(segments[0], segments[1], vuln);
      });
      qualys::ParserConsumer consumer(parser);
      CountingConsumer counting(consumer, result, env.progress);
      co_await session.post_v2(env.context, target, form_body, counting);
    };
    co_await qualys::run_with_retries(env.context, session.retry_policy(), description, attempt);
  };

  const DeliverWindow deliver = [&](std::size_t index, std::vector<output::CsvWriter>& segments) {
    const QidWindow& window = windows[index];
    vulnkb_out.append_segment(segments[0]);
    cve_out.append_segment(segments[1]);
    ++result.pages;
    progress.update(vulnkb_out.rows(), "QID window " + window.text());
    if (mode.incremental) return;
    const auto rows = segments[0].rows();
    window_rows.emplace_back(window.text(), rows);
    if (auto before = previous_windows.find(window.text());
        rows == 0 && before != previous_windows.end() && before->second > 0) {
      // Not an error (QIDs can be retired), but worth a look: an empty window where the last
      // publication had QIDs can also be a Qualys-side problem.
      log::warn(fmt::format("kb: window {} returned no QIDs; the last publication had {}",
                            window.text(), before->second),
                {{"JOB", "kb"}, {"RUN_ID", env.context.run_id}});
      auto& check = emptied["kb_windows_now_empty"];
      ++check.count;
      if (check.first.size() < 5) check.first.push_back(window.text());
    }
  };

  const WindowPlan plan = window_plan(env, windows.size(), 2);
  co_await fetch_windows_in_order(plan, fetch, deliver);

  std::string changes;
  if (mode.incremental) {
    const IdSet& replaced = changed_qids.front();
    merge_into(base, {{kVulnKbFile, &*changed_vulnkb, &vulnkb}, {kCveFile, &*changed_cve, &cve}},
               replaced);
    changes = fmt::format(" ({} changed after {})", replaced.size(), mode.changed_after);
  }

  result.files.push_back(describe_file(kVulnKbFile, vulnkb));
  result.files.push_back(describe_file(kCveFile, cve));
  publish_checked(env, publication, result.files, result);
  result.references.insert(emptied.begin(), emptied.end());
  if (!mode.incremental) {
    // Counts of an older publication would warn about the wrong windows: gone rather than stale.
    save_after_publishing(
        env, result, state::StateDir::kKbWindowRows,
        [&] { state_dir.save_kb_window_rows(window_rows); },
        [&] { state_dir.forget_kb_window_rows(); });
  }
  save_after_publishing(env, result, "the incremental base", [&] {
    base.save(published_paths(env.config, {kVulnKbFile, kCveFile}), env.started, !mode.incremental,
              env.context.run_id);
  });
  result.summary =
      fmt::format("{} QIDs{} and {} QID-CVE pairs in {} windows, {}", vulnkb.rows(), changes,
                  cve.rows(), result.pages, mode.incremental ? "incremental" : "full pull");
  co_return result;
}

}  // namespace qi::jobs
