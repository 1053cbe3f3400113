// `run JOB...`: the jobs once, now, concurrently under the shared rate governor.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <functional>

#include "commands.hpp"
#include "common/error.hpp"
#include "generation.hpp"
#include "jobs/job_runner.hpp"
#include "loaded_config.hpp"
#include "metrics_textfile.hpp"
#include "state/job_lock.hpp"

namespace qi::daemon {

namespace asio = boost::asio;

namespace {

// One job named on the command line: the lock it runs under, or why it did not start.
struct RequestedJob {
  jobs::JobKind kind{};
  std::optional<state::JobLock> lock;
  std::string not_started;  // the reason, when the lock could not be taken
  jobs::RunOutcome outcome;
};

// The same job never runs twice at once on this machine, also beside the service. A job whose
// lock is taken is named with its holder and left out; the others still run.
RequestedJob take_lock(const config::Config& config, const std::string& name) {
  RequestedJob job;
  job.kind = *jobs::job_from_name(name);
  try {
    std::string holder;
    job.lock = state::JobLock::try_acquire(config.state.dir, name, "run", &holder);
    if (!job.lock) job.not_started = "the job is already running in " + holder;
  } catch (const FatalError& error) {
    job.not_started = error.what();
  }
  if (!job.not_started.empty()) spdlog::error("{}: not started: {}", name, job.not_started);
  return job;
}

// The jobs named, `all` with insight when the configuration has it. Naming insight while
// insight.mode is off is a configuration error.
std::vector<std::string> jobs_to_run(const CommandLine& line, const config::Config& config) {
  auto names = line.jobs;
  const std::string insight(jobs::job_name(jobs::JobKind::insight));
  const bool named = std::find(names.begin(), names.end(), insight) != names.end();
  if (named && !jobs::insight_on(config)) {
    throw ConfigError(config.source.string(), "insight.mode",
                      "is off, so there is no insight job to run; set it to datacenter or cloud");
  }
  if (line.all && !named && jobs::insight_on(config)) names.push_back(insight);
  return names;
}

// `nohup qualys-insightd run all` starts the run with SIGHUP ignored, on purpose: it stays so.
bool ignored_from_start(int signal) {
  struct sigaction current {};
  return ::sigaction(signal, nullptr, &current) == 0 && current.sa_handler == SIG_IGN;
}

std::string_view signal_name(int signal) {
  switch (signal) {
    case SIGINT:
      return "SIGINT";
    case SIGHUP:
      return "SIGHUP (the terminal or the SSH session went away)";
    default:
      return "SIGTERM";
  }
}

// One line at the end when not everything published: the reasons were logged as they happened,
// possibly thousands of lines earlier.
void log_summary(const std::vector<RequestedJob>& requested) {
  std::string text;
  std::string not_saved;
  for (const auto& job : requested) {
    if (job.lock && job.outcome.status == jobs::RunStatus::succeeded) continue;
    if (job.lock && job.outcome.status == jobs::RunStatus::published_state_not_saved) {
      not_saved += (not_saved.empty() ? "" : ", ") + std::string(jobs::job_name(job.kind));
      continue;
    }
    if (!text.empty()) text += ", ";
    text += std::string(jobs::job_name(job.kind)) + " " +
            (job.lock ? std::string(jobs::run_status_name(job.outcome.status)) : "not started");
  }
  if (!text.empty()) spdlog::error("not every job published: {} (reasons above)", text);
  if (!not_saved.empty()) {
    spdlog::error("published, state not saved: {} (reasons above)", not_saved);
  }
}

// The jobs this run leaves alone keep the figures state.json and manifest.json give them.
MetricsTextfile metrics_of(const config::Config& config) {
  MetricsTextfile metrics;
  metrics.configure(config, 1);
  if (config.metrics.textfile.empty()) return metrics;
  metrics.seed(config);
  metrics.write();
  return metrics;
}

}  // namespace

int run_command(const CommandLine& line) {
  auto loaded = load_everything(line.config);
  prepare_first_run(loaded.config);

  std::vector<RequestedJob> requested;
  for (const auto& name : jobs_to_run(line, loaded.config)) {
    requested.push_back(take_lock(loaded.config, name));
  }

  asio::io_context io;
  const auto generation = make_generation(io.get_executor(), std::move(loaded), 1);
  const auto& config = generation->loaded.config;
  auto metrics = metrics_of(config);

  std::vector<std::unique_ptr<asio::cancellation_signal>> cancels;
  std::size_t pending = 0;
  bool interrupted = false;
  // SIGHUP too: a foreground run loses its terminal when an SSH session drops, and must then
  // clean up like on SIGTERM rather than die with its temp files left (the daemon's SIGHUP,
  // a reload, is in service.cpp).
  asio::signal_set signals(io, SIGINT, SIGTERM);
  if (!ignored_from_start(SIGHUP)) signals.add(SIGHUP);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    interrupted = true;
    spdlog::warn("received {}: cancelling the running jobs", signal_name(signal));
    for (auto& cancel : cancels) cancel->emit(asio::cancellation_type::terminal);
  });

  // insight imports what the others publish: it starts when they have finished, unless the
  // run was interrupted (`run all` = assets, kb, vm, then insight).
  auto is_insight = [](const RequestedJob& job) { return job.kind == jobs::JobKind::insight; };
  std::function<void(bool)> start;
  start = [&](bool imports) {
    for (auto& job : requested) {
      if (!job.lock || is_insight(job) != imports) continue;
      ++pending;
      cancels.push_back(std::make_unique<asio::cancellation_signal>());
      metrics.started(job.kind, std::chrono::system_clock::now());
      asio::co_spawn(
          io,
          jobs::run_job_with_deadline(
              job.kind, *generation->session, config,
              {.run_id = jobs::make_run_id(job.kind, std::chrono::system_clock::now()),
               .force = line.force,
               .full = line.full,
               .insight = generation->insight.get()}),
          asio::bind_cancellation_slot(
              cancels.back()->slot(), [&, imports, kind = job.kind, &outcome = job.outcome](
                                          std::exception_ptr error, jobs::RunOutcome result) {
                if (error) {
                  result.kind = kind;
                  result.status = jobs::RunStatus::failed;
                  result.started = result.finished = std::chrono::system_clock::now();
                  try {
                    std::rethrow_exception(error);
                  } catch (const std::exception& e) {
                    result.error = e.what();
                  }
                }
                metrics.finished(result);
                outcome = std::move(result);
                if (--pending > 0) return;
                if (!imports && !interrupted) start(true);
                if (pending == 0) signals.cancel();
              }));
    }
  };
  start(false);
  if (pending == 0) start(true);
  if (pending == 0) signals.cancel();
  io.run();

  log_summary(requested);
  if (interrupted) return kExitInterrupted;
  // A job that published nothing outweighs one that published but could not record it all.
  int exit_code = kExitOk;
  for (const auto& job : requested) {
    if (job.lock && job.outcome.status == jobs::RunStatus::published_state_not_saved) {
      exit_code = kExitStateNotSaved;
    } else if (!job.lock || job.outcome.status != jobs::RunStatus::succeeded) {
      return kExitJobFailed;
    }
  }
  return exit_code;
}

}  // namespace qi::daemon
