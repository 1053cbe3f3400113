// vm: host detections, paged by truncation_limit and the WARNING 1980 next-page URL
// (qualys-api.md §6). The pull ends only on a page without WARNING.
#include "common/error.hpp"
#include "jobs/columns.hpp"
#include "jobs/job.hpp"
#include "jobs/job_support.hpp"
#include "jobs/publish_step.hpp"
#include "jobs/record_writers.hpp"
#include "net/form_encoding.hpp"
#include "qualys/detection_parser.hpp"

namespace qi::jobs {

namespace {

std::string first_page_form(const config::VmJobConfig& config) {
  std::vector<std::pair<std::string, std::string>> form = {
      {"action", "list"},
      {"output_format", "XML"},
      {"truncation_limit", std::to_string(config.truncation_limit)},
      {"status", config.status},
      {"show_results", "0"},
      {"show_igs", config.show_igs ? "1" : "0"},
      {"include_ignored", config.include_ignored ? "1" : "0"},
      {"include_disabled", config.include_disabled ? "1" : "0"}};
  if (!config.severities.empty()) form.emplace_back("severities", config.severities);
  return net::form_encode(form);
}

}  // namespace

asio::awaitable<JobResult> run_vm_job(JobEnvironment& env) {
  const auto& job_config = env.config.jobs.vm;
  auto& session = env.session;
  JobResult result;
  result.kind = JobKind::vm;

  output::Publication publication(env.config.output.dir, {std::string(kVmFile)},
                                  dialect_of(env.config));
  auto& vm = publication.writer(kVmFile);
  write_header(vm, kVmHeader);
  DetectionRowWriter rows(vm);

  ProgressReporter progress(env);
  std::string target = job_config.api_version + "/fo/asset/host/vm/detection/";
  std::string form_body = first_page_form(job_config);
  for (std::uint64_t page = 1;; ++page) {
    const auto mark = vm.mark();
    const auto last_host = rows.last_host_id();
    std::optional<std::string> next_url;
    const std::string description = "host detection page " + std::to_string(page);
    const qualys::Attempt attempt = [&](int) -> asio::awaitable<void> {
      vm.rollback(mark);
      rows.reset_last_host_id(last_host);
      qualys::DetectionParser parser([&](qualys::DetectionHost&& host) { rows.write(host); });
      qualys::ParserConsumer consumer(parser);
      CountingConsumer counting(consumer, result, env.progress);
      co_await session.post_v2(target, form_body, counting);
      next_url = parser.next_page_url();
    };
    co_await qualys::run_with_retries(env.context, session.retry_policy(), description, attempt);
    result.pages = page;
    progress.update(vm.rows(), "page " + std::to_string(page));
    if (!next_url) break;
    // Follow the URL as Qualys gave it (it echoes our parameters and adds id_min), but only to
    // our own API host: anything else would receive our credentials.
    auto next_target = session.api_target_of(*next_url);
    if (!next_target) {
      throw FatalError("host detection page " + std::to_string(page) +
                       ": refusing to follow a WARNING URL that does not point at " +
                       session.endpoints().api.host +
                       " over HTTPS (credentials would go "
                       "elsewhere)");
    }
    if (*next_target == target && form_body.empty()) {
      throw FatalError("host detection page " + std::to_string(page) +
                       ": the WARNING URL repeats the previous page; stopping a loop");
    }
    target = std::move(*next_target);
    form_body.clear();
  }

  result.files.push_back(describe_file(kVmFile, vm));
  publish_checked(env, publication, result.files, result);
  result.summary = std::to_string(vm.rows()) + " host-QID pairs from " +
                   std::to_string(rows.hosts()) + " hosts in " + std::to_string(result.pages) +
                   " pages";
  co_return result;
}

}  // namespace qi::jobs
