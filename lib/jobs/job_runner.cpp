#include "jobs/job_runner.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

#include "common/error.hpp"

namespace qi::jobs {

using namespace std::chrono;

std::string_view run_status_name(RunStatus status) {
  switch (status) {
    case RunStatus::succeeded:
      return "succeeded";
    case RunStatus::failed:
      return "failed";
    case RunStatus::timed_out:
      return "timed out";
    case RunStatus::cancelled:
      return "cancelled";
  }
  return "?";
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

asio::awaitable<RunOutcome> run_job_with_deadline(
    JobKind kind, qualys::QualysSession& session, const config::Config& config,
    std::string run_id, std::function<void(const JobProgress&)> on_progress) {
  using namespace boost::asio::experimental::awaitable_operators;
  RunOutcome outcome;
  outcome.kind = kind;
  outcome.run_id = std::move(run_id);
  outcome.started = system_clock::now();

  const config::JobSchedule* schedule = &config.jobs.assets;
  if (kind == JobKind::kb) schedule = &config.jobs.kb;
  if (kind == JobKind::vm) schedule = &config.jobs.vm;
  const auto timeout = schedule->timeout;
  const std::string label = std::string(job_name(kind));

  JobEnvironment env{session, config, qualys::CallContext{label, steady_clock::now() + timeout}};
  if (on_progress) env.on_progress = on_progress;

  spdlog::info("{}: run {} started (timeout {} s)", label, outcome.run_id,
               duration_cast<seconds>(timeout).count());
  asio::steady_timer deadline(co_await asio::this_coro::executor, timeout);
  try {
    // `||` waits for the first branch to *succeed*: a job that throws would otherwise sit until
    // the deadline. So the job branch never throws; it hands its exception over instead.
    auto which = co_await (guarded_run_job(kind, env) || deadline.async_wait(asio::use_awaitable));
    if (which.index() == 0) {
      auto& [result, error] = std::get<0>(which);
      if (error) std::rethrow_exception(error);
      outcome.status = RunStatus::succeeded;
      outcome.result = std::move(result);
    } else {
      outcome.status = RunStatus::timed_out;
      outcome.error = "did not finish within its timeout of " +
                      std::to_string(duration_cast<seconds>(timeout).count()) +
                      " s; nothing published, previous files kept";
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
    spdlog::info("{}: run {} succeeded in {:.1f} s: {}; {} API calls, {} bytes", label,
                 outcome.run_id, elapsed, outcome.result->summary, outcome.result->api_calls,
                 outcome.result->api_bytes);
  } else {
    spdlog::error("{}: run {} {} after {:.1f} s: {}", label, outcome.run_id,
                  run_status_name(outcome.status), elapsed, outcome.error);
  }
  co_return outcome;
}

}  // namespace qi::jobs
