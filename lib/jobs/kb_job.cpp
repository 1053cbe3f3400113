// kb: KnowledgeBase vuln list in id_min/id_max windows (qualys-api.md §5: no truncation_limit,
// no WARNING paging; the client chunks by QID itself).
#include "common/error.hpp"
#include "jobs/columns.hpp"
#include "jobs/job.hpp"
#include "jobs/job_support.hpp"
#include "jobs/publish_step.hpp"
#include "jobs/record_writers.hpp"
#include "net/form_encoding.hpp"
#include "qualys/kb_parser.hpp"

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

  output::Publication publication(env.config.output.dir,
                                  {std::string(kVulnKbFile), std::string(kCveFile)},
                                  dialect_of(env.config));
  auto& vulnkb = publication.writer(kVulnKbFile);
  auto& cve = publication.writer(kCveFile);
  write_header(vulnkb, kVulnKbHeader);
  write_header(cve, kCveHeader);

  const std::string target = job_config.api_version + "/fo/knowledge_base/vuln/";
  ProgressReporter progress(env);
  std::optional<std::int64_t> last_qid;
  for (const auto& window : qid_windows(job_config)) {
    const auto vulnkb_mark = vulnkb.mark();
    const auto cve_mark = cve.mark();
    const auto last_qid_before = last_qid;
    std::vector<std::pair<std::string, std::string>> form = {
        {"action", "list"}, {"details", job_config.details}, {"id_min", std::to_string(window.min)}};
    if (window.max) form.emplace_back("id_max", std::to_string(*window.max));
    const auto form_body = net::form_encode(form);

    co_await qualys::run_with_retries(
        env.context, session.retry_policy(), "KB window " + window.text(),
        [&](int) -> asio::awaitable<void> {
          vulnkb.rollback(vulnkb_mark);
          cve.rollback(cve_mark);
          last_qid = last_qid_before;
          qualys::KbParser parser([&](qualys::KbVuln&& vuln) {
            if (vuln.qid < window.min || (window.max && vuln.qid > *window.max) ||
                (last_qid && vuln.qid <= *last_qid)) {
              throw TransientError("KB returned QID " + std::to_string(vuln.qid) +
                                   " outside window " + window.text() + " or out of order");
            }
            last_qid = vuln.qid;
            write_kb_rows(vulnkb, cve, vuln);
          });
          qualys::ParserConsumer consumer(parser);
          CountingConsumer counting(consumer, result, env.progress);
          co_await session.post_v2(target, form_body, counting);
        });
    ++result.pages;
    progress.update(vulnkb.rows(), "QID window " + window.text());
  }

  result.files.push_back(describe_file(kVulnKbFile, vulnkb));
  result.files.push_back(describe_file(kCveFile, cve));
  publish_checked(env, publication, result.files, result);
  result.summary = std::to_string(vulnkb.rows()) + " QIDs and " + std::to_string(cve.rows()) +
                   " QID-CVE pairs in " + std::to_string(result.pages) + " windows";
  co_return result;
}

}  // namespace qi::jobs
