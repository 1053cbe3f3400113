#include "service.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <functional>

#include "logging.hpp"
#include "schedule/jitter.hpp"
#include "state/state_dir.hpp"

namespace qi::daemon {

using namespace std::chrono;

namespace {

std::filesystem::path state_file(const config::Config& config) {
  return state::StateDir(config.state.dir).state_file();
}

}  // namespace

Service::Service(asio::io_context& io, std::filesystem::path config_file, LoadedConfig initial)
    : io_(io),
      config_file_(std::move(config_file)),
      scheduler_(io.get_executor(), clock_),
      all_stopped_(io) {
  current_ = make_generation(io.get_executor(), std::move(initial), 1);
  try {
    state_ = state::read_state(state_file(current_->loaded.config));
  } catch (const std::exception& error) {
    spdlog::warn("{}; starting with an empty state", error.what());
  }
}

Service::~Service() = default;

std::vector<schedule::ScheduledJob> Service::scheduled_jobs(const config::Config& config) const {
  std::vector<schedule::ScheduledJob> result;
  for (auto kind : jobs::configured_jobs(config)) {
    const auto job = jobs::schedule_of(config, kind);
    if (!job.enabled) continue;
    const date::time_zone* zone =
        job.time_zone.empty() ? date::current_zone() : date::locate_zone(job.time_zone);
    result.push_back(
        {std::string(jobs::job_name(kind)), schedule::CronExpression::parse(job.schedule), zone});
  }
  return result;
}

asio::awaitable<void> Service::run() {
  const auto& config = current_->loaded.config;
  prepare_first_run(config);
  metrics_.configure(config, current_->number);
  metrics_.seed(config);
  metrics_.write();
  scheduler_.set_jobs(scheduled_jobs(config));
  catch_up();
  publish_status();
  save_state();
  spdlog::info("started with {} (API {}, gateway {})", config_file_.string(),
               current_->loaded.endpoints.api.host, current_->loaded.endpoints.gateway.host);

  asio::co_spawn(io_, scheduler_.run([this](const schedule::Firing& f) { launch(f); }),
                 asio::bind_cancellation_slot(stop_scheduler_.slot(), asio::detached));
  asio::co_spawn(io_, watchdog_loop(),
                 asio::bind_cancellation_slot(stop_watchdog_.slot(), asio::detached));

  asio::signal_set signals(io_, SIGHUP, SIGTERM, SIGINT);
  for (;;) {
    auto [ec, signal] = co_await signals.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    if (signal == SIGHUP) {
      reload();
      continue;
    }
    spdlog::info("received {}: stopping", signal == SIGINT ? "SIGINT" : "SIGTERM");
    break;
  }

  stopping_ = true;
  notifier_.stopping();
  stop_scheduler_.emit(asio::cancellation_type::terminal);
  for (auto& [name, job] : running_) {
    spdlog::info("{}: cancelling run {}", name, job.run_id);
    job_cancel_[name].emit(asio::cancellation_type::terminal);
  }
  while (!running_.empty()) {
    all_stopped_.expires_after(seconds(1));
    co_await all_stopped_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  stop_watchdog_.emit(asio::cancellation_type::terminal);
  save_state();
  spdlog::info("stopped");
}

void Service::reload() {
  notifier_.reloading();
  spdlog::info("SIGHUP: reloading {}", config_file_.string());
  try {
    // Staging copy: the new configuration is built and validated whole before it replaces the
    // running one; any problem keeps the old one.
    auto staged = load_everything(config_file_);
    auto jobs = scheduled_jobs(staged.config);
    const bool credentials_changed =
        staged.credentials.username != current_->loaded.credentials.username ||
        staged.credentials.password != current_->loaded.credentials.password;
    current_ = make_generation(io_.get_executor(), std::move(staged), current_->number + 1);
    set_log_level(current_->loaded.config.logging.level);
    metrics_.configure(current_->loaded.config, current_->number);
    metrics_.write();
    scheduler_.set_jobs(std::move(jobs));
    spdlog::info(
        "reloaded {}{}; running jobs finish with the configuration they started with",
        config_file_.string(),
        credentials_changed ? " (new credentials; the gateway token will be renewed)" : "");
  } catch (const std::exception& error) {
    spdlog::error("reload rejected, keeping the running configuration: {}", error.what());
  }
  publish_status();
  save_state();
}

void Service::catch_up() {
  const auto now = clock_.now();
  for (const auto& job : scheduler_.jobs()) {
    auto& job_state = state_.jobs[job.name];
    if (!job_state.last_scheduled) continue;  // never ran: nothing was missed
    auto missed = schedule::latest_firing(job.expression, job.zone, *job_state.last_scheduled, now);
    if (!missed) continue;
    const auto kind = *jobs::job_from_name(job.name);
    const auto window = jobs::schedule_of(current_->loaded.config, kind).catch_up_window;
    if (now - *missed <= window) {
      spdlog::info("{}: the firing of {} was missed while the daemon was down; running it now",
                   job.name, state::format_time(*missed));
      launch(schedule::Firing{job.name, *missed, true});
    } else {
      spdlog::warn(
          "{}: the firing of {} was missed while the daemon was down and is older than "
          "the catch-up window ({} s); skipped",
          job.name, state::format_time(*missed), duration_cast<seconds>(window).count());
      job_state.last_scheduled = *missed;
    }
  }
}

void Service::launch(const schedule::Firing& firing) {
  start(firing.job, "firing of " + state::format_time(firing.scheduled), firing.scheduled);
}

bool Service::start(const std::string& job, const std::string& why,
                    std::optional<std::chrono::sys_seconds> scheduled) {
  if (stopping_) return false;
  const auto kind = *jobs::job_from_name(job);
  if (running_.contains(job)) {
    spdlog::warn("{}: {} skipped: run {} is still active", job, why, running_[job].run_id);
    return false;
  }
  std::string holder;
  std::optional<state::JobLock> lock;
  try {
    lock = state::JobLock::try_acquire(current_->loaded.config.state.dir, job, "daemon", &holder);
  } catch (const std::exception& error) {
    spdlog::error("{}: {} skipped: {}", job, why, error.what());
    return false;
  }
  if (!lock) {
    spdlog::warn("{}: {} skipped: the job is already running in {}", job, why, holder);
    return false;
  }
  auto run_id = jobs::make_run_id(kind, system_clock::now());
  if (!scheduled) spdlog::info("{}: {}: starting run {}", job, why, run_id);
  auto& job_state = state_.jobs[job];
  if (scheduled) job_state.last_scheduled = *scheduled;
  job_state.run_id = run_id;
  job_state.started = clock_.now();
  job_state.finished.reset();
  job_state.result = state::RunResult::running;
  job_state.error.clear();
  running_[job] = RunningJob{run_id, {}};
  save_state();
  publish_status();
  metrics_.started(kind, *job_state.started);
  asio::co_spawn(io_, run_job(kind, current_, std::move(*lock), run_id),
                 asio::bind_cancellation_slot(job_cancel_[job].slot(), asio::detached));
  return true;
}

void Service::after_run(const jobs::RunOutcome& outcome) {
  const auto& config = current_->loaded.config;
  if (stopping_ || !jobs::insight_on(config) || !config.insight.after_publish) return;
  const std::string insight(jobs::job_name(jobs::JobKind::insight));
  if (outcome.kind == jobs::JobKind::insight) {
    if (import_trigger_.import_finished()) {
      start(insight, "import after the publication during the last one (insight.after_publish)",
            std::nullopt);
    }
    return;
  }
  const std::string published(jobs::job_name(outcome.kind));
  switch (import_trigger_.publication_finished(outcome, running_.contains(insight))) {
    case ImportTrigger::Action::import_now:
      start(insight, "import after " + published + "'s publication (insight.after_publish)",
            std::nullopt);
      break;
    case ImportTrigger::Action::import_later:
      spdlog::info("{}: {} published during run {}: one more import when it ends", insight,
                   published, running_[insight].run_id);
      break;
    case ImportTrigger::Action::nothing:
      break;
  }
}

asio::awaitable<void> Service::run_job(jobs::JobKind kind, std::shared_ptr<Generation> generation,
                                       state::JobLock lock,  // held for the run
                                       std::string run_id) {
  const std::string name(jobs::job_name(kind));
  jobs::RunOutcome outcome;
  try {
    const auto& config = generation->loaded.config;
    if (auto delay = schedule::stable_jitter(name, jobs::schedule_of(config, kind).jitter);
        delay.count() > 0) {
      spdlog::info("{}: waiting {:.1f} s (jobs.{}.jitter) before starting run {}", name,
                   duration<double>(delay).count(), name, run_id);
      asio::steady_timer timer(io_, delay);
      co_await timer.async_wait(asio::use_awaitable);
    }
    // Named, not temporaries inside the co_await: GCC 12 destroys such temporaries wrongly.
    std::function<void(const jobs::JobProgress&)> on_progress = [this,
                                                                 name](const jobs::JobProgress& p) {
      if (auto it = running_.find(name); it != running_.end()) {
        it->second.progress = p.stage + ", " + std::to_string(p.rows) + " rows" +
                              (p.waiting.empty() ? std::string() : "; " + p.waiting);
        publish_status();
      }
    };
    jobs::RunOptions options{
        .run_id = run_id, .on_progress = on_progress, .insight = generation->insight.get()};
    outcome = co_await jobs::run_job_with_deadline(kind, *generation->session, config, options);
  } catch (const std::exception& error) {
    // Cancelled before the run started (while waiting out the jitter).
    outcome.kind = kind;
    outcome.status = jobs::RunStatus::cancelled;
    outcome.error = error.what();
    outcome.started = outcome.finished = system_clock::now();
  }
  auto& job_state = state_.jobs[name];
  job_state.finished = clock_.now();
  job_state.result = outcome.status;
  job_state.error = outcome.error;
  if (outcome.result) {
    job_state.files = outcome.result->files;
    job_state.api_calls = outcome.result->api_calls;
    job_state.api_bytes = outcome.result->api_bytes;
    job_state.last_success = job_state.finished;
    job_state.references = outcome.result->references;
  }
  running_.erase(name);
  if (running_.empty()) all_stopped_.cancel();
  save_state();
  publish_status();
  metrics_.finished(outcome);
  {
    // Released before after_run: the import it may start is this very job's next run.
    const auto released = std::move(lock);
  }
  after_run(outcome);
}

void Service::save_state() {
  for (const auto& job : scheduler_.jobs()) {
    state_.jobs[job.name].next_firing = scheduler_.next_firing(job.name);
  }
  try {
    state::write_state(state_file(current_->loaded.config), state_);
  } catch (const std::exception& error) {
    spdlog::warn("could not save the state file: {}", error.what());
  }
}

void Service::publish_status() {
  std::string status;
  for (const auto& job : scheduler_.jobs()) {
    if (!status.empty()) status += "; ";
    if (auto it = running_.find(job.name); it != running_.end()) {
      status += job.name + ": running" +
                (it->second.progress.empty() ? std::string() : " (" + it->second.progress + ")");
    } else if (auto next = scheduler_.next_firing(job.name)) {
      status += job.name + ": next " + state::format_time(*next);
    } else {
      status += job.name + ": no next run";
    }
  }
  if (status.empty()) status = "no jobs enabled";
  if (!stopping_) notifier_.ready(status);
}

asio::awaitable<void> Service::watchdog_loop() {
  auto interval = SystemdNotifier::watchdog_interval();
  if (!interval) co_return;
  asio::steady_timer timer(io_);
  for (;;) {
    notifier_.watchdog();
    timer.expires_after(*interval);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

}  // namespace qi::daemon
