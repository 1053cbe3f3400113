#include "schedule/job_scheduler.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace qi::schedule {

using namespace std::chrono;

std::optional<sys_seconds> latest_firing(const CronExpression& expression,
                                         const date::time_zone* zone, sys_seconds after,
                                         sys_seconds until) {
  // Look back from `until` in growing steps so that both a per-second schedule (found in the
  // first hour, at most 3600 steps forward) and a yearly one (found within a year or two) are
  // cheap, however long the daemon was down.
  constexpr std::chrono::seconds kLookBack[] = {hours(1),  days(1),       days(7),       days(31),
                                                days(366), days(4 * 366), days(12 * 366)};
  for (auto back : kLookBack) {
    const auto from = std::max(after, until - back);
    auto next = expression.next_after(from, zone);
    if (next && *next <= until) {
      std::optional<sys_seconds> latest;
      for (; next && *next <= until; next = expression.next_after(*next, zone)) latest = next;
      return latest;
    }
    if (from == after) return std::nullopt;  // the whole interval was searched
  }
  return std::nullopt;
}

JobScheduler::JobScheduler(asio::any_io_executor executor, const WallClock& clock,
                           milliseconds max_sleep)
    : clock_(clock), max_sleep_(max_sleep), wake_(executor) {}

void JobScheduler::set_jobs(std::vector<ScheduledJob> jobs) {
  jobs_ = std::move(jobs);
  entries_.assign(jobs_.size(), Entry{});
  const auto now = clock_.now();
  for (std::size_t i = 0; i < jobs_.size(); ++i) {
    entries_[i].next = jobs_[i].expression.next_after(now, jobs_[i].zone);
  }
  wake_.cancel();  // the running loop recomputes its sleep
}

std::optional<sys_seconds> JobScheduler::next_firing(std::string_view job) const {
  for (std::size_t i = 0; i < jobs_.size(); ++i) {
    if (jobs_[i].name == job) return entries_[i].next;
  }
  return std::nullopt;
}

asio::awaitable<void> JobScheduler::run(Launch launch) {
  for (;;) {
    const auto now = clock_.now();
    std::optional<sys_seconds> earliest;
    for (std::size_t i = 0; i < jobs_.size(); ++i) {
      auto& entry = entries_[i];
      const auto& job = jobs_[i];
      if (entry.next && *entry.next <= now) {
        auto due = *entry.next;
        if (auto newest = latest_firing(job.expression, job.zone, due, now)) {
          spdlog::warn(
              "{}: firings from {} to {} were missed (suspend or clock change); "
              "running once for the newest",
              job.name, date::format("%FT%TZ", due), date::format("%FT%TZ", *newest));
          due = *newest;
        }
        entry.next = job.expression.next_after(now, job.zone);
        launch(Firing{job.name, due, false});
      }
      if (entry.next && (!earliest || *entry.next < *earliest)) earliest = entry.next;
    }
    // Sleep on the steady clock but never longer than max_sleep, then look at the wall clock
    // again: steady timers do not follow wall-clock jumps.
    milliseconds sleep = max_sleep_;
    if (earliest) {
      const auto until = duration_cast<milliseconds>(*earliest - clock_.now());
      sleep = std::clamp(until, milliseconds(0), max_sleep_);
    }
    wake_.expires_after(sleep);
    auto [ec] = co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none) co_return;
    (void)ec;  // operation_aborted from set_jobs just means "recompute"
  }
}

}  // namespace qi::schedule
