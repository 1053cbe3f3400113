#include "insight/cloud_execution.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/error.hpp"
#include "common/log.hpp"
#include "insight/json_output.hpp"

namespace qi::insight {
namespace {

// {"steps":{"total":5,"current":2,"description":"..."},"objects":{"total":N,"processed":M}}
std::string progress_body(const PushProgress::Options& options, std::size_t step,
                          std::string_view stage, std::uint64_t sent) {
  std::string text;
  JsonOutput out(text);
  out.start_object();
  out.key("steps");
  out.start_object();
  out.number("total", static_cast<std::int64_t>(options.steps));
  out.number("current", static_cast<std::int64_t>(step));
  out.member("description", stage);
  out.end_object();
  out.key("objects");
  out.start_object();
  out.number("total", static_cast<std::int64_t>(options.objects));
  out.number("processed", static_cast<std::int64_t>(sent));
  out.end_object();
  out.end_object();
  return text;
}

void log_info(const qualys::CallContext& context, const std::string& message) {
  log::info(context.job + ": " + message, {{"JOB", context.job}, {"RUN_ID", context.run_id}});
}

}  // namespace

const ImportFile* file_named(const ImportSet& set, std::string_view name) {
  for (const auto& file : set.files) {
    if (file.name == name) return &file;
  }
  return nullptr;
}

PushProgress::PushProgress(CloudSession& session, Options options)
    : session_(session),
      options_(std::move(options)),
      next_(std::chrono::steady_clock::now() + options_.interval) {}

asio::awaitable<void> PushProgress::update(std::size_t step, std::string_view stage,
                                           std::uint64_t sent) {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_) co_return;
  next_ = now + options_.interval;
  const std::string line =
      fmt::format("Assets Cloud push: {} of {} objects sent ({})", sent, options_.objects, stage);
  log_info(session_.context(), line);
  if (options_.on_progress) options_.on_progress(line);
  if (options_.url.empty()) co_return;
  JiraRequest request = cloud_request(http::verb::put, options_.url, "progress report");
  request.json_body = progress_body(options_, step, stage, sent);
  const JiraResponse response = co_await session_.send(request);
  if (response.status / 100 != 2) {
    log::warn(session_.context().job + ": " + failure_text(request, response),
              {{"JOB", session_.context().job}});
  }
}

asio::awaitable<void> send_data(CloudSession& session, const CloudLinks& execution,
                                const PushPlan& plan, PushProgress& progress) {
  JiraRequest request = cloud_request(http::verb::post, execution.at("submitResults"), {});
  std::uint64_t sequence = 1;
  std::uint64_t sent = 0;
  std::size_t step = 0;
  for (const auto& type : plan.mapping.object_types) {
    ++step;
    const ImportFile* file = file_named(plan.set, type.file);
    if (file == nullptr) {
      throw FatalError("the published set has no " + type.file + ", which the " + type.name +
                       " objects come from; run the job that publishes it first");
    }
    const auto column = scope_column(type.file);
    const RowScope scope{column.value_or(""), plan.detected_qids};
    const bool narrowed = column && plan.detected_qids != nullptr;
    ObjectChunks chunks(file->path, type,
                        {plan.run_id, plan.chunk_objects, sequence, plan.double_backslashes,
                         &plan.host_ids, narrowed ? &scope : nullptr});
    while (const auto chunk = chunks.next()) {
      // The transport resends this very body on a retry, so a chunk keeps its clientGeneratedId
      // and Assets applies it once.
      request.json_body.assign(*chunk);
      request.description = fmt::format("data chunk {}-{} ({} objects of {})", plan.run_id,
                                        chunks.next_sequence() - 1, type.name, file->name);
      co_await session.call(request);
      co_await progress.update(step, file->name, sent + chunks.objects());
    }
    sent += chunks.objects();
    sequence = chunks.next_sequence();
  }
  request.json_body = completion_chunk(plan.run_id, sequence);
  request.description = fmt::format("closing chunk {}-{}", plan.run_id, sequence);
  co_await session.call(request);
  log_info(session.context(),
           fmt::format("Assets Cloud push: {} objects sent in {} chunks; Assets is processing them",
                       sent, sequence));
}

asio::awaitable<ExecutionStatus> wait_for_execution(CloudSession& session, const std::string& url,
                                                    const CloudImporterOptions& options) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const JiraRequest request = cloud_request(http::verb::get, url, "execution status");
  auto delay = options.poll_initial;
  std::string last;
  for (;;) {
    ExecutionStatus status = read_execution_status(co_await session.call(request));
    if (status.status != "INGESTING" && status.status != "PROCESSING") co_return status;
    if (status.status != last) {
      log_info(session.context(), "the Assets Cloud execution is " + status.status);
      last = status.status;
    }
    timer.expires_after(delay);
    co_await timer.async_wait(asio::use_awaitable);
    delay = std::min(delay * 2, options.poll_max);
  }
}

}  // namespace qi::insight
