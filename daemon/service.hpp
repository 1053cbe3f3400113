// The long-running daemon: fires the jobs on their schedules, reloads on SIGHUP (staging copy,
// swapped in only when valid), stops on SIGTERM/SIGINT, and tells systemd what it is doing.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "generation.hpp"
#include "import_trigger.hpp"
#include "jobs/job_runner.hpp"
#include "metrics_textfile.hpp"
#include "schedule/job_scheduler.hpp"
#include "state/job_lock.hpp"
#include "state/state_file.hpp"
#include "systemd_notifier.hpp"

namespace qi::daemon {

namespace asio = boost::asio;

class Service {
 public:
  Service(asio::io_context& io, std::filesystem::path config_file, LoadedConfig initial);
  ~Service();

  // Runs until SIGTERM or SIGINT; returns once every running job has stopped.
  asio::awaitable<void> run();

 private:
  struct RunningJob {
    std::string run_id;
    std::string progress;
  };

  std::vector<schedule::ScheduledJob> scheduled_jobs(const config::Config& config) const;
  void reload();
  void catch_up();
  void launch(const schedule::Firing& firing);
  // Starts a run of `job` now unless it is active here or elsewhere (logged with `why`);
  // `scheduled` is the firing it is for (none for an import after a publication).
  bool start(const std::string& job, const std::string& why,
             std::optional<std::chrono::sys_seconds> scheduled);
  // After a run ended: insight.after_publish's import, or the one pending since.
  void after_run(const jobs::RunOutcome& outcome);
  asio::awaitable<void> run_job(jobs::JobKind kind, std::shared_ptr<Generation> generation,
                                state::JobLock lock, std::string run_id);
  void save_state();
  void publish_status();
  asio::awaitable<void> watchdog_loop();

  asio::io_context& io_;
  std::filesystem::path config_file_;
  std::shared_ptr<Generation> current_;
  schedule::SystemWallClock clock_;
  schedule::JobScheduler scheduler_;
  SystemdNotifier notifier_;
  state::DaemonState state_;
  MetricsTextfile metrics_;
  std::map<std::string, RunningJob> running_;
  ImportTrigger import_trigger_;
  // Cancellation signals live as long as the Service: a coroutine bound to one touches it until
  // its very end, after the code that would erase it has run (one per job; a job never overlaps
  // itself, so a signal is reused only after the previous run completed).
  std::map<std::string, asio::cancellation_signal> job_cancel_;
  asio::cancellation_signal stop_scheduler_;
  asio::cancellation_signal stop_watchdog_;
  asio::steady_timer all_stopped_;
  bool stopping_ = false;
};

}  // namespace qi::daemon
