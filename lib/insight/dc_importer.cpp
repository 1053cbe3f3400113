#include "insight/dc_importer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/error.hpp"
#include "common/log.hpp"
#include "insight/dc_api.hpp"

namespace qi::insight {

using namespace std::chrono;

namespace {

bool published(const ImportSet& set, const std::string& file) {
  return std::ranges::any_of(set.files, [&](const ImportFile& f) { return f.name == file; });
}

// Why a wait happens, for the log, and what to say when the deadline cuts it short.
struct WaitReason {
  std::string why;
  std::string on_deadline;
};

// Waits between two reads of the progress, doubling up to the longest.
class Poller {
 public:
  Poller(DcPolling polling, const qualys::CallContext& context)
      : next_(polling.first), longest_(polling.longest), context_(context) {}

  // Waits before the next read, logging why; throws qi::FatalError, with reason.on_deadline,
  // when the wait would end past the job's deadline. `reason` is a named object: it is held by
  // reference across the wait (GCC 12 mishandles temporaries that live across a co_await).
  asio::awaitable<void> wait(const WaitReason& reason) {
    const auto now = steady_clock::now();
    if (now + next_ >= context_.deadline) {
      throw FatalError(
          fmt::format("{}; the job's deadline (insight.timeout) comes before the next "
                      "look at the progress",
                      reason.on_deadline));
    }
    log::info(fmt::format("{}: {}; looking again in {:.1f} s", context_.job, reason.why,
                          duration<double>(next_).count()),
              {{"JOB", context_.job}, {"RUN_ID", context_.run_id}});
    asio::steady_timer timer(co_await asio::this_coro::executor, next_);
    co_await timer.async_wait(asio::use_awaitable);
    next_ = std::min(next_ * 2, longest_);
  }

 private:
  milliseconds next_;
  milliseconds longest_;
  const qualys::CallContext& context_;
};

class DcRun {
 public:
  DcRun(DcPolling polling, ImportEnvironment& env)
      : polling_(polling), env_(env), api_(env.transport, env.config, env.context) {}

  asio::awaitable<ImportCount> import(const DcSource& source) {
    auto first_look = co_await api_.progress(source);
    auto before = co_await wait_while_running(source, first_look);
    Poller refusals(polling_, env_.context);
    for (;;) {
      if (auto started = co_await api_.start(source)) {
        note(spdlog::level::info, "started " + source.what());
        env_.on_progress("importing " + source.what());
        const auto finished = co_await wait_for_finish(source, before, *started);
        co_return record(source, finished);
      }
      // HTTP 409: a run began after our look. Our own start, when its answer was lost and the
      // transport sent it again, or Insight's schedule or an operator; either way it reads the
      // files published now, so it is waited for and recorded instead of starting another.
      auto now = co_await api_.progress(source);
      if (now.phase() != DcProgress::Phase::idle && now.other_run_than(before)) {
        note(spdlog::level::warn,
             fmt::format("{}: Jira answers our start with HTTP 409 (already running): a run that "
                         "began after our look, {}; recording that run instead of starting "
                         "another",
                         source.what(), now.describe()));
        const auto finished = co_await wait_for_finish(source, before, now);
        co_return record(source, finished);
      }
      const WaitReason refused{
          source.what() + ": Jira answers our start with HTTP 409 (already running)",
          source.what() + " stays busy in Jira (HTTP 409 to every start); ours was not started"};
      co_await refusals.wait(refused);
      now = co_await api_.progress(source);
      before = co_await wait_while_running(source, now);
    }
  }

 private:
  void note(spdlog::level::level_enum level, const std::string& message) const {
    log::write(level, env_.context.job + ": " + message,
               {{"JOB", env_.context.job}, {"RUN_ID", env_.context.run_id}});
  }

  asio::awaitable<DcProgress> wait_while_running(const DcSource& source, const DcProgress& look) {
    DcProgress progress = look;
    Poller poller(polling_, env_.context);
    while (progress.phase() == DcProgress::Phase::running) {
      env_.on_progress("waiting for " + source.what() + " already running");
      const WaitReason running{
          fmt::format("{} is already running in Jira, {}; waiting for it to end before starting "
                      "ours",
                      source.what(), progress.describe()),
          fmt::format("{} was already running in Jira ({}) and has not ended; ours was not "
                      "started",
                      source.what(), progress.describe())};
      co_await poller.wait(running);
      progress = co_await api_.progress(source);
    }
    co_return progress;
  }

  asio::awaitable<DcProgress> wait_for_finish(const DcSource& source, const DcProgress& before,
                                              const DcProgress& first) {
    DcProgress progress = first;
    Poller poller(polling_, env_.context);
    for (;;) {
      const bool ours = progress.other_run_than(before);
      if (ours && progress.phase() == DcProgress::Phase::finished) co_return progress;
      const auto state = ours ? progress.describe() : std::string("not begun yet");
      env_.on_progress(source.what() + ": " + state);
      const WaitReason running{
          fmt::format("{} is running, {}", source.what(), state),
          fmt::format("{} is still running in Jira ({}); it goes on there, but this run stops "
                      "waiting and starts no later import",
                      source.what(), state)};
      co_await poller.wait(running);
      progress = co_await api_.progress(source);
    }
  }

  ImportCount record(const DcSource& source, const DcProgress& progress) const {
    const auto counts = progress.counts();
    const auto summary =
        fmt::format("{} finished: status {}, result {}, message '{}'{}", source.what(),
                    progress.status.empty() ? "(none)" : progress.status,
                    progress.result.empty() ? "(none)" : progress.result, progress.message,
                    counts.empty() ? std::string("; no counts given") : "; " + counts);
    if (progress.failed_run()) {
      note(spdlog::level::err, summary + "; Jira said: " + progress.said);
      throw FatalError(
          fmt::format("{}: Jira ended the import as failed (status {}, result {}): "
                      "{}; see the import's history in Assets for the details",
                      source.what(), progress.status, progress.result, progress.message));
    }
    note(spdlog::level::info, summary + "; Jira said: " + progress.said);
    return ImportCount{.what = source.what(),
                       .status = progress.status,
                       .result = progress.result,
                       .message = progress.message,
                       .created = progress.created,
                       .updated = progress.updated,
                       .failed = progress.failed};
  }

  DcPolling polling_;
  ImportEnvironment& env_;
  DcApi api_;
};

std::string summary_of(const std::vector<ImportCount>& counts) {
  std::int64_t finished = 0;
  std::int64_t skipped = 0;
  std::int64_t created = 0;
  std::int64_t updated = 0;
  std::int64_t failed = 0;
  for (const auto& count : counts) {
    if (count.status == "SKIPPED") {
      ++skipped;
      continue;
    }
    ++finished;
    created += count.created.value_or(0);
    updated += count.updated.value_or(0);
    failed += count.failed.value_or(0);
  }
  auto out = fmt::format("{} imports finished: {} created, {} updated, {} failed", finished,
                         created, updated, failed);
  if (skipped > 0) out += fmt::format("; {} skipped (file not published)", skipped);
  return out;
}

}  // namespace

asio::awaitable<ImportReport> DcImporter::import(const ImportSet& set, ImportEnvironment& env) {
  const auto sources = dc_sources(env.config.imports);
  if (std::ranges::none_of(sources, [&](const DcSource& s) { return published(set, s.file); })) {
    throw FatalError(
        "nothing to import: none of the files of the configured import sources (insight.imports) "
        "is published yet; run the jobs that write them first");
  }
  DcRun run(polling_, env);
  ImportReport report;
  for (const auto& source : sources) {
    if (!published(set, source.file)) {
      log::warn(fmt::format("{}: {} skipped: {} is not published yet", env.context.job,
                            source.what(), source.file),
                {{"JOB", env.context.job}, {"RUN_ID", env.context.run_id}});
      report.counts.push_back({.what = source.what(),
                               .status = "SKIPPED",
                               .result = {},
                               .message = source.file + " is not published yet",
                               .created = {},
                               .updated = {},
                               .failed = {}});
      continue;
    }
    report.counts.push_back(co_await run.import(source));
  }
  report.summary = summary_of(report.counts);
  co_return report;
}

}  // namespace qi::insight
