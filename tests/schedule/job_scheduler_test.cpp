#include "schedule/job_scheduler.hpp"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace qi::schedule {
namespace {

namespace asio = boost::asio;
using namespace std::chrono;
using namespace std::chrono_literals;

class FakeClock final : public WallClock {
 public:
  explicit FakeClock(sys_seconds now) : now_(now) {}
  sys_seconds now() const override { return now_; }
  void set(sys_seconds now) { now_ = now; }

 private:
  sys_seconds now_;
};

sys_seconds at(int hour, int minute, int second = 0) {
  return date::sys_days{date::year{2026} / 11 / 28} + hours(hour) + minutes(minute) +
         seconds(second);
}

// Drives the scheduler: `script` runs against the io_context while the scheduler loop runs;
// the test ends when the script returns (with a hard time limit).
struct Harness {
  asio::io_context io;
  FakeClock clock{at(1, 0)};
  JobScheduler scheduler{io.get_executor(), clock, 5ms};
  std::vector<Firing> firings;
  asio::cancellation_signal stop;

  void run(std::function<asio::awaitable<void>()> script) {
    asio::co_spawn(io, scheduler.run([this](const Firing& f) { firings.push_back(f); }),
                   asio::bind_cancellation_slot(stop.slot(), asio::detached));
    asio::co_spawn(io, script(),
                   [this](std::exception_ptr) { stop.emit(asio::cancellation_type::terminal); });
    io.run_for(10s);
  }

  // Waits until `n` firings were seen, or 300 ms (60 scheduler wake-ups at max_sleep 5 ms).
  asio::awaitable<void> until_firings(std::size_t n) {
    asio::steady_timer timer(io);
    for (int i = 0; i < 300 && firings.size() < n; ++i) {
      timer.expires_after(1ms);
      co_await timer.async_wait(asio::use_awaitable);
    }
  }
};

std::vector<ScheduledJob> daily_kb_at_two() {
  return {{"kb", CronExpression::parse("0 2 * * *"), date::locate_zone("UTC")}};
}

TEST(JobScheduler, ComputesTheNextFiringOfEachJob) {
  Harness h;
  h.scheduler.set_jobs(daily_kb_at_two());
  EXPECT_EQ(h.scheduler.next_firing("kb"), at(2, 0));
  EXPECT_EQ(h.scheduler.next_firing("vm"), std::nullopt);
}

TEST(JobScheduler, FiresWhenTheWallClockReachesTheScheduledTime) {
  Harness h;
  h.scheduler.set_jobs(daily_kb_at_two());
  h.run([&]() -> asio::awaitable<void> {
    co_await h.until_firings(1);  // nothing yet: the clock is at 01:00
    EXPECT_TRUE(h.firings.empty());
    h.clock.set(at(2, 0));
    co_await h.until_firings(1);
  });
  ASSERT_EQ(h.firings.size(), 1u);
  EXPECT_EQ(h.firings[0].job, "kb");
  EXPECT_EQ(h.firings[0].scheduled, at(2, 0));
  EXPECT_EQ(h.scheduler.next_firing("kb"), at(2, 0) + days(1));
}

TEST(JobScheduler, FoldsFiringsMissedDuringASuspendIntoTheNewest) {
  Harness h;
  h.scheduler.set_jobs({{"vm", CronExpression::parse("*/10 * * * *"), date::locate_zone("UTC")}});
  h.run([&]() -> asio::awaitable<void> {
    h.clock.set(at(3, 5));  // 01:10 ... 03:00 were all missed
    co_await h.until_firings(1);
    co_await h.until_firings(2);  // give a second firing the chance to (wrongly) appear
  });
  ASSERT_EQ(h.firings.size(), 1u);
  EXPECT_EQ(h.firings[0].scheduled, at(3, 0));
}

TEST(JobScheduler, UsesNewSchedulesAfterSetJobs) {
  Harness h;
  h.scheduler.set_jobs(daily_kb_at_two());
  h.run([&]() -> asio::awaitable<void> {
    h.scheduler.set_jobs({{"kb", CronExpression::parse("30 1 * * *"), date::locate_zone("UTC")}});
    h.clock.set(at(1, 30));
    co_await h.until_firings(1);
  });
  ASSERT_EQ(h.firings.size(), 1u);
  EXPECT_EQ(h.firings[0].scheduled, at(1, 30));
}

TEST(JobScheduler, KeepsFiringOtherJobsBesideOneWhoseScheduleNeverFires) {
  Harness h;
  h.scheduler.set_jobs({{"kb", CronExpression::parse("0 2 * * *"), date::locate_zone("UTC")},
                        {"vm", CronExpression::parse("0 0 30 2 *"), date::locate_zone("UTC")}});
  EXPECT_EQ(h.scheduler.next_firing("vm"), std::nullopt);
  h.run([&]() -> asio::awaitable<void> {
    h.clock.set(at(2, 0));
    co_await h.until_firings(1);
    co_await h.until_firings(2);  // give a firing of vm the chance to (wrongly) appear
  });
  ASSERT_EQ(h.firings.size(), 1u);
  EXPECT_EQ(h.firings[0].job, "kb");
  EXPECT_EQ(h.scheduler.next_firing("vm"), std::nullopt);
}

TEST(LatestFiring, FindsNoMissedFiringOfAScheduleThatNeverFires) {
  auto never = CronExpression::parse("0 0 31 4,6,9,11 *");
  EXPECT_EQ(latest_firing(never, date::locate_zone("UTC"), at(1, 0) - days(5000), at(1, 0)),
            std::nullopt);
}

TEST(LatestFiring, FindsTheNewestMissedFiringInAnInterval) {
  auto expression = CronExpression::parse("0 * * * *");
  auto zone = date::locate_zone("UTC");
  EXPECT_EQ(latest_firing(expression, zone, at(1, 0), at(4, 30)), at(4, 0));
  EXPECT_EQ(latest_firing(expression, zone, at(1, 0), at(1, 59)), std::nullopt);
}

TEST(LatestFiring, FindsAMonthlyFiringMissedLongAgoAndASecondlyOneCheaply) {
  auto zone = date::locate_zone("UTC");
  auto monthly = CronExpression::parse("0 2 1 * *");
  EXPECT_EQ(latest_firing(monthly, zone, at(1, 0) - days(400), at(1, 0)),
            date::sys_days{date::year{2026} / 11 / 1} + hours(2));
  auto every_second = CronExpression::parse("* * * * * *");
  EXPECT_EQ(latest_firing(every_second, zone, at(1, 0) - days(3000), at(1, 0)), at(1, 0));
  EXPECT_EQ(latest_firing(monthly, zone, at(1, 0) - days(20), at(1, 0)), std::nullopt);
}

}  // namespace
}  // namespace qi::schedule
