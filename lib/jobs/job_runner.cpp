#include "jobs/job_runner.hpp"

#include <fmt/format.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

#include "common/error.hpp"
#include "common/log.hpp"

namespace qi::jobs {

using namespace std::chrono;

std::string_view run_status_name(RunStatus status) {
  return state::run_result_name(status);
}

std::optional<RunStatus> run_status_from_name(std::string_view name) {
  for (auto status : kAllRunStatuses) {
    if (run_status_name(status) == name) return status;
  }
  return std::nullopt;
}

std::string make_run_id(JobKind kind, system_clock::time_point when) {
  const auto t = system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  std::mt19937 rng(std::random_device{}());
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%04x", static_cast<unsigned>(rng() & 0xffff));
  return std::string(job_name(kind)) + "-" + stamp + "-" + suffix;
}

namespace {

asio::awaitable<std::pair<std::optional<JobResult>, std::exception_ptr>> guarded_run_job(
    JobKind kind, JobEnvironment& env) {
  std::pair<std::optional<JobResult>, std::exception_ptr> outcome;
  try {
    outcome.first = co_await run_job(kind, env);
  } catch (...) {
    outcome.second = std::current_exception();
  }
  co_return outcome;
}

}  // namespace

// Logs the live progress every `interval` until cancelled (it never finishes by itself), so a
// run that waits minutes for one Qualys response still shows it is alive.
asio::awaitable<void> log_progress_every(std::chrono::seconds interval, JobEnvironment& env) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_after(interval);
    co_await timer.async_wait(asio::use_awaitable);
    auto& p = env.progress;
    // A run held back by a rate-limit pause says so, and for how long, rather than looking hung.
    p.waiting = env.session.governor().waiting();
    log::info(fmt::format("{}: run {} in progress: {} pages, {} rows, {} bytes received{}{}",
                          env.context.job, env.context.run_id, p.pages, p.rows, p.bytes,
                          p.stage.empty() ? std::string() : "; last done: " + p.stage,
                          p.waiting.empty() ? std::string() : "; " + p.waiting),
              {{"JOB", env.context.job},
               {"RUN_ID", env.context.run_id},
               {"MESSAGE_ID", std::string(log::kRunProgress)},
               {"PAGE", std::to_string(p.pages)},
               {"ROWS", std::to_string(p.rows)},
               {"BYTES", std::to_string(p.bytes)}});
    env.on_progress(p);
  }
}

asio::awaitable<RunOutcome> run_job_with_deadline(JobKind kind, qualys::QualysSession& session,
                                                  const config::Config& config,
                                                  RunOptions options) {
  using namespace boost::asio::experimental::awaitable_operators;
  RunOutcome outcome;
  outcome.kind = kind;
  outcome.run_id = std::move(options.run_id);
  outcome.started = system_clock::now();

  const auto timeout = schedule_of(config, kind).timeout;
  const std::string label = std::string(job_name(kind));

  JobEnvironment env{
      session, config,
      qualys::CallContext{label, steady_clock::now() + timeout, outcome.run_id, &outcome.retries}};
  if (options.on_progress) env.on_progress = options.on_progress;
  env.force = options.force;
  env.full = options.full;
  env.insight = options.insight;
  env.started = outcome.started;

  log::info(
      fmt::format("{}: run {} started (timeout {} s)", label, outcome.run_id,
                  duration_cast<seconds>(timeout).count()),
      {{"JOB", label}, {"RUN_ID", outcome.run_id}, {"MESSAGE_ID", std::string(log::kRunStarted)}});
  const auto paused_before = session.governor().paused_total();
  asio::steady_timer deadline(co_await asio::this_coro::executor, timeout);
  try {
    // `||` waits for the first branch to *succeed*: a job that throws would otherwise sit until
    // the deadline. So the job branch never throws; it hands its exception over instead. The
    // progress logger never succeeds: it only ends when the others are done.
    auto which = co_await (guarded_run_job(kind, env) || deadline.async_wait(asio::use_awaitable) ||
                           log_progress_every(options.progress_interval, env));
    if (which.index() == 0) {
      auto& [result, error] = std::get<0>(which);
      if (error) std::rethrow_exception(error);
      outcome.status = RunStatus::succeeded;
      for (const auto& what : result->state_not_saved) {
        outcome.status = RunStatus::published_state_not_saved;
        outcome.error += (outcome.error.empty() ? "" : "; ") + what;
      }
      outcome.result = std::move(result);
    } else {
      outcome.status = RunStatus::timed_out;
      // Rate-limit pauses count against the timeout: say how much of it they took.
      const auto paused = duration_cast<seconds>(session.governor().paused_total() - paused_before);
      outcome.error = "did not finish within its timeout of " +
                      std::to_string(duration_cast<seconds>(timeout).count()) + " s" +
                      (paused.count() > 0 ? " (" + std::to_string(paused.count()) +
                                                " s of it with every Qualys call paused by the "
                                                "rate limit)"
                                          : std::string()) +
                      "; nothing published, previous files kept";
    }
  } catch (const FatalError& error) {
    outcome.error = error.what();
    outcome.qualys_code = error.qualys_code();
  } catch (const boost::system::system_error& error) {
    if (error.code() == asio::error::operation_aborted) {
      outcome.status = RunStatus::cancelled;
      outcome.error = "cancelled; nothing published, previous files kept";
    } else {
      outcome.error = error.what();
    }
  } catch (const std::exception& error) {
    outcome.error = error.what();
  }
  outcome.finished = system_clock::now();
  const auto elapsed = duration<double>(outcome.finished - outcome.started).count();
  if (outcome.status == RunStatus::succeeded) {
    std::uint64_t rows = 0;
    for (const auto& file : outcome.result->files) rows += file.rows;
    // insight makes no Qualys call: its summary says what it did in Jira.
    const auto calls = job_definition(kind).pulls_from_qualys
                           ? fmt::format("; {} API calls, {} bytes", outcome.result->api_calls,
                                         outcome.result->api_bytes)
                           : std::string();
    log::info(fmt::format("{}: run {} succeeded in {:.1f} s: {}{}", label, outcome.run_id, elapsed,
                          outcome.result->summary, calls),
              {{"JOB", label},
               {"RUN_ID", outcome.run_id},
               {"MESSAGE_ID", std::string(log::kRunSucceeded)},
               {"ROWS", std::to_string(rows)},
               {"PAGE", std::to_string(outcome.result->pages)}});
  } else if (outcome.status == RunStatus::published_state_not_saved) {
    log::error(fmt::format("{}: run {} published, state not saved, after {:.1f} s: {}; {}", label,
                           outcome.run_id, elapsed, outcome.result->summary, outcome.error),
               {{"JOB", label},
                {"RUN_ID", outcome.run_id},
                {"MESSAGE_ID", std::string(log::kRunFailed)},
                {"RESULT", std::string(run_status_name(outcome.status))}});
  } else {
    log::error(fmt::format("{}: run {} {} after {:.1f} s: {}", label, outcome.run_id,
                           run_status_name(outcome.status), elapsed, outcome.error),
               {{"JOB", label},
                {"RUN_ID", outcome.run_id},
                {"MESSAGE_ID", std::string(log::kRunFailed)},
                {"RESULT", std::string(run_status_name(outcome.status))},
                {"QUALYS_CODE", outcome.qualys_code}});
  }
  co_return outcome;
}

}  // namespace qi::jobs
