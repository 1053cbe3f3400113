// `run JOB...`: the jobs once, now, concurrently under the shared rate governor.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>

#include "commands.hpp"
#include "jobs/job_runner.hpp"
#include "loaded_config.hpp"
#include "logging.hpp"
#include "net/https_client.hpp"
#include "output/publication.hpp"
#include "state/job_lock.hpp"

namespace qi::daemon {

namespace asio = boost::asio;

int run_command(const CommandLine& line) {
  auto loaded = load_everything(line.config);
  set_log_level(loaded.config.logging.level);
  warn_about_credentials_permissions(loaded.config);
  output::check_output_dir(loaded.config.output.dir);
  sweep_interrupted_runs(loaded.config);

  // The same job never runs twice at once on this machine, also beside the service.
  std::vector<state::JobLock> locks;
  for (const auto& job : line.jobs) {
    std::string holder;
    auto lock = state::JobLock::try_acquire(loaded.config.state.dir, job, "run", &holder);
    if (!lock) {
      spdlog::error("{}: not started: the job is already running in {}", job, holder);
      return kExitJobFailed;
    }
    locks.push_back(std::move(*lock));
  }

  asio::io_context io;
  auto http =
      net::make_https_client(io.get_executor(), qualys::http_client_options(loaded.config.qualys));
  qualys::QualysSession session(io.get_executor(), *http, loaded.endpoints, loaded.credentials,
                                loaded.config.qualys);

  std::vector<jobs::RunOutcome> outcomes(line.jobs.size());
  std::vector<std::unique_ptr<asio::cancellation_signal>> cancels;
  std::size_t pending = line.jobs.size();
  bool interrupted = false;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    interrupted = true;
    spdlog::warn("received {}: cancelling the running jobs",
                 signal == SIGINT ? "SIGINT" : "SIGTERM");
    for (auto& cancel : cancels) cancel->emit(asio::cancellation_type::terminal);
  });

  for (std::size_t i = 0; i < line.jobs.size(); ++i) {
    const auto kind = *jobs::job_from_name(line.jobs[i]);
    cancels.push_back(std::make_unique<asio::cancellation_signal>());
    asio::co_spawn(
        io,
        jobs::run_job_with_deadline(kind, session, loaded.config,
                                    jobs::make_run_id(kind, std::chrono::system_clock::now()), {},
                                    std::chrono::seconds(30), line.force, line.full),
        asio::bind_cancellation_slot(
            cancels.back()->slot(),
            [&, i, kind](std::exception_ptr error, jobs::RunOutcome outcome) {
              if (error) {
                outcome.kind = kind;
                outcome.status = jobs::RunStatus::failed;
                try {
                  std::rethrow_exception(error);
                } catch (const std::exception& e) {
                  outcome.error = e.what();
                }
              }
              outcomes[i] = std::move(outcome);
              if (--pending == 0) signals.cancel();
            }));
  }
  io.run();

  if (interrupted) return kExitInterrupted;
  // A job that published nothing outweighs one that published but could not record it all.
  int exit_code = kExitOk;
  for (const auto& outcome : outcomes) {
    if (outcome.status == jobs::RunStatus::published_state_not_saved) {
      exit_code = std::max(exit_code, kExitStateNotSaved);
    } else if (outcome.status != jobs::RunStatus::succeeded) {
      return kExitJobFailed;
    }
  }
  return exit_code;
}

}  // namespace qi::daemon
