#include "qualys/rate_governor.hpp"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>

namespace qi::qualys {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// The configuration's default qualys.retry.max_server_wait: long enough not to matter.
constexpr std::chrono::milliseconds kNoCap = 30min;

net::HttpResponseHead head_with(std::vector<net::Header> headers) {
  net::HttpResponseHead head;
  head.status = 200;
  head.headers = std::move(headers);
  return head;
}

// Holds a permit for `hold`, recording the peak number of holders.
asio::awaitable<void> hold_permit(RateGovernor& governor, int& holders, int& peak,
                                  std::chrono::milliseconds hold) {
  auto permit = co_await governor.acquire();
  peak = std::max(peak, ++holders);
  asio::steady_timer timer(co_await asio::this_coro::executor, hold);
  co_await timer.async_wait(asio::use_awaitable);
  --holders;
}

TEST(RateGovernor, NeverAllowsMoreConcurrentCallsThanItsCeiling) {
  asio::io_context io;
  RateGovernor governor(io.get_executor(), 2, 0, kNoCap);
  int holders = 0, peak = 0;
  for (int i = 0; i < 6; ++i) {
    asio::co_spawn(io, hold_permit(governor, holders, peak, 20ms), asio::detached);
  }
  io.run();
  EXPECT_EQ(peak, 2);
  EXPECT_EQ(governor.in_use(), 0);
}

TEST(RateGovernor, LowersItsCeilingToTheServersConcurrencyLimit) {
  asio::io_context io;
  RateGovernor governor(io.get_executor(), 4, 0, kNoCap);
  governor.observe(head_with({{"x-concurrency-limit-limit", "1"}}));
  EXPECT_EQ(governor.concurrency_limit(), 1);
  int holders = 0, peak = 0;
  for (int i = 0; i < 3; ++i) {
    asio::co_spawn(io, hold_permit(governor, holders, peak, 10ms), asio::detached);
  }
  io.run();
  EXPECT_EQ(peak, 1);
}

TEST(RateGovernor, NeverRaisesItsCeilingAboveTheConfiguredMaximum) {
  asio::io_context io;
  RateGovernor governor(io.get_executor(), 2, 0, kNoCap);
  governor.observe(head_with({{"X-Concurrency-Limit-Limit", "10"}}));
  EXPECT_EQ(governor.concurrency_limit(), 2);
}

TEST(RateGovernor, PausesEveryCallerWhenTheServerSaysToWait) {
  asio::io_context io;
  RateGovernor governor(io.get_executor(), 2, 0, kNoCap);
  // The pause runs from the moment it is imposed: measure from before that.
  const auto start = std::chrono::steady_clock::now();
  governor.pause_for(80ms, "test");
  std::chrono::steady_clock::time_point acquired;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto permit = co_await governor.acquire();
        acquired = std::chrono::steady_clock::now();
      },
      asio::detached);
  io.run();
  EXPECT_GE(acquired - start, 80ms);
}

TEST(RateGovernor, HonoursToWaitSecondsFromResponseHeaders) {
  asio::io_context io;
  RateGovernor governor(io.get_executor(), 2, 0, kNoCap);
  governor.observe(head_with({{"X-RateLimit-ToWait-Sec", "30"}}));
  EXPECT_GE(governor.paused_until() - RateGovernor::Clock::now(), 29s);
}

TEST(RateGovernor, SlowsDownBeforeTheRemainingCallsRunOut) {
  asio::io_context io;
  RateGovernor governor(io.get_executor(), 2, 5, kNoCap);
  governor.observe(
      head_with({{"X-RateLimit-Remaining", "200"}, {"X-RateLimit-Window-Sec", "3600"}}));
  EXPECT_LE(governor.paused_until(), RateGovernor::Clock::now());
  governor.observe(head_with({{"X-RateLimit-Remaining", "3"}, {"X-RateLimit-Window-Sec", "3600"}}));
  EXPECT_GT(governor.paused_until(), RateGovernor::Clock::now() + 10s);
}

TEST(RateGovernor, AWaiterCancelledWhileQueuedGivesUpItsPlace) {
  asio::io_context io;
  RateGovernor governor(io.get_executor(), 1, 0, kNoCap);
  bool second_got_permit = false;
  asio::cancellation_signal cancel;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto permit = co_await governor.acquire();
        asio::steady_timer timer(io, 30ms);
        co_await timer.async_wait(asio::use_awaitable);
      },
      asio::detached);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto permit = co_await governor.acquire();
        second_got_permit = true;
      },
      asio::bind_cancellation_slot(cancel.slot(), asio::detached));
  asio::steady_timer canceller(io, 10ms);
  canceller.async_wait([&](auto) { cancel.emit(asio::cancellation_type::terminal); });
  io.run();
  EXPECT_FALSE(second_got_permit);
  EXPECT_EQ(governor.in_use(), 0);
}

// The released slot went to a waiter whose cancellation arrived in the same instant: it takes
// the slot and gives it back at its next co_await, so the next waiter is not left waiting.
TEST(RateGovernor, AWaiterWokenAndCancelledAtOnceDoesNotStrandTheNextWaiter) {
  asio::io_context io;
  RateGovernor governor(io.get_executor(), 1, 0, kNoCap);
  std::optional<RateGovernor::Permit> held;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { held = co_await governor.acquire(); }, asio::detached);
  asio::cancellation_signal cancel;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto permit = co_await governor.acquire();
        co_await asio::post(io, asio::use_awaitable);  // the call it would make
      },
      asio::bind_cancellation_slot(cancel.slot(), asio::detached));
  bool next_got_permit = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto permit = co_await governor.acquire();
        next_got_permit = true;
      },
      asio::detached);
  io.poll();
  ASSERT_TRUE(held);
  cancel.emit(asio::cancellation_type::terminal);
  held.reset();    // before the cancelled waiter has resumed: the slot is handed to it
  io.run_for(5s);  // a stranded waiter would wait for ever
  EXPECT_TRUE(next_got_permit);
  EXPECT_EQ(governor.in_use(), 0);
}

}  // namespace
}  // namespace qi::qualys
