// Fires jobs at their cron times. It only decides *when*: what a firing does (overlap check,
// lock, the run itself) is the caller's Launch. The wall clock is injected and re-read at least
// every `max_sleep`, so a clock change or a suspend never leaves the scheduler asleep past a
// firing.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "schedule/cron_expression.hpp"

namespace qi::schedule {

namespace asio = boost::asio;

class WallClock {
 public:
  virtual ~WallClock() = default;
  virtual std::chrono::sys_seconds now() const = 0;
};

class SystemWallClock final : public WallClock {
 public:
  std::chrono::sys_seconds now() const override {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

struct ScheduledJob {
  std::string name;
  CronExpression expression;
  const date::time_zone* zone = nullptr;
};

struct Firing {
  std::string job;
  std::chrono::sys_seconds scheduled;  // identifies the run: a restart never repeats it
  bool catch_up = false;               // a missed firing run late
};

// The newest firing of `expression` in (after, until], if any: what a catch-up would run.
std::optional<std::chrono::sys_seconds> latest_firing(const CronExpression& expression,
                                                      const date::time_zone* zone,
                                                      std::chrono::sys_seconds after,
                                                      std::chrono::sys_seconds until);

class JobScheduler {
 public:
  using Launch = std::function<void(const Firing&)>;

  JobScheduler(asio::any_io_executor executor, const WallClock& clock,
               std::chrono::milliseconds max_sleep = std::chrono::minutes(1));

  // Replaces the jobs (start-up, reload) and computes each one's next firing after now.
  void set_jobs(std::vector<ScheduledJob> jobs);

  std::optional<std::chrono::sys_seconds> next_firing(std::string_view job) const;
  const std::vector<ScheduledJob>& jobs() const { return jobs_; }

  // Calls `launch` for each firing as its time comes, until cancelled. Firings missed while the
  // process was suspended or the clock jumped are folded into one (the newest).
  asio::awaitable<void> run(Launch launch);

 private:
  struct Entry {
    std::optional<std::chrono::sys_seconds> next;
  };

  const WallClock& clock_;
  std::chrono::milliseconds max_sleep_;
  std::vector<ScheduledJob> jobs_;
  std::vector<Entry> entries_;
  asio::steady_timer wake_;
};

}  // namespace qi::schedule
