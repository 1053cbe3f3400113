// The rate governor's pauses are never silent and never stall a job past its deadline: each is
// capped, logged once with its reason and length, visible while it lasts, and a caller whose
// deadline falls inside it fails at once through run_with_retries (issue 14, item 3).
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <sstream>

#include "common/error.hpp"
#include "qualys/rate_governor.hpp"
#include "qualys/retry.hpp"

namespace qi::qualys {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = RateGovernor::Clock;

net::HttpResponseHead remaining_calls(int remaining) {
  net::HttpResponseHead head;
  head.status = 200;
  head.headers = {{"X-RateLimit-Remaining", std::to_string(remaining)},
                  {"X-RateLimit-Window-Sec", "3600"}};
  return head;
}

// Everything logged through spdlog's default logger while alive.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>(
        "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(text_));
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const { return text_.str(); }
  std::size_t count(std::string_view needle) const {
    const auto all = text();
    std::size_t n = 0;
    for (auto at = all.find(needle); at != std::string::npos; at = all.find(needle, at + 1)) ++n;
    return n;
  }

 private:
  std::ostringstream text_;
  std::shared_ptr<spdlog::logger> previous_;
};

// Runs `call` on a fresh io_context; returns its exception and how long it took.
std::pair<std::exception_ptr, Clock::duration> timed(asio::io_context& io,
                                                     std::function<asio::awaitable<void>()> call) {
  std::exception_ptr failure;
  const auto start = Clock::now();
  asio::co_spawn(io, call(), [&](std::exception_ptr e) { failure = e; });
  io.run();
  return {failure, Clock::now() - start};
}

TEST(RateGovernorPause, CapsTheReservePauseAtTheLongestItMayLast) {
  asio::io_context io;
  RateGovernor governor(io.get_executor(), 2, 5, 2s);
  // 3600 / (3 + 1) / 10 = 90 s uncapped: the pause that stalled a daemon for minutes.
  governor.observe(remaining_calls(3));
  const auto left = governor.paused_until() - Clock::now();
  EXPECT_GT(left, 1s);
  EXPECT_LE(left, 2s);
}

TEST(RateGovernorPause, LogsEachPauseOnceWithItsReasonRemainingCallsAndLength) {
  CapturedLog log;
  asio::io_context io;
  RateGovernor governor(io.get_executor(), 4, 5, 300ms);
  governor.observe(remaining_calls(3));
  // A second response in flight repeats the same pause: no second line.
  governor.observe(remaining_calls(3));
  int acquired = 0;
  for (int i = 0; i < 3; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          auto permit = co_await governor.acquire();
          ++acquired;
        },
        asio::detached);
  }
  io.run();
  EXPECT_EQ(acquired, 3);
  EXPECT_EQ(log.count("pausing every Qualys call"), 1u) << log.text();
  EXPECT_NE(log.text().find("pausing every Qualys call for 0.3 s: Qualys rate limit, 3 calls left "
                            "in the 3600 s window (qualys.rate_limit_reserve is 5; spreading "
                            "them over the window would take 90 s, capped at "
                            "qualys.retry.max_server_wait)"),
            std::string::npos)
      << log.text();
}

TEST(RateGovernorPause, SaysWhatItIsWaitingForAndForHowLong) {
  asio::io_context io;
  RateGovernor governor(io.get_executor(), 2, 5, 30s);
  EXPECT_EQ(governor.waiting(), "");
  governor.observe(remaining_calls(3));
  EXPECT_EQ(governor.waiting(),
            "waiting 30 s: Qualys rate limit, 3 calls left in the 3600 s window");
  EXPECT_EQ(governor.waiting(Clock::now() + 31s), "");
}

TEST(RateGovernorPause, FailsACallerWhoseDeadlineFallsInsideThePauseWithoutWaiting) {
  asio::io_context io;
  RateGovernor governor(io.get_executor(), 2, 5, 30min);
  governor.observe(remaining_calls(3));  // 90 s
  auto [failure, took] = timed(io, [&]() -> asio::awaitable<void> {
    auto permit = co_await governor.acquire(Clock::now() + 1s);
  });
  ASSERT_TRUE(failure);
  EXPECT_LT(took, 1s);
  try {
    std::rethrow_exception(failure);
  } catch (const TransientError& error) {
    ASSERT_TRUE(error.wait_hint());
    EXPECT_GT(*error.wait_hint(), 80s);
    EXPECT_NE(std::string(error.what()).find("3 calls left"), std::string::npos) << error.what();
  }
}

TEST(RateGovernorPause, RefusesToWaitThroughAServerPauseLongerThanItsCap) {
  asio::io_context io;
  RateGovernor governor(io.get_executor(), 2, 5, 1s);
  governor.pause_for(1h, "Qualys rate limit, Qualys CODE 1965");
  auto [failure, took] =
      timed(io, [&]() -> asio::awaitable<void> { auto permit = co_await governor.acquire(); });
  ASSERT_TRUE(failure);
  EXPECT_LT(took, 1s);
  EXPECT_THROW(std::rethrow_exception(failure), TransientError);
}

TEST(RateGovernorPause, APauseOutlastingTheDeadlineFailsTheRetryLoopAtOnceSayingWhy) {
  asio::io_context io;
  RateGovernor governor(io.get_executor(), 2, 5, 30min);
  governor.observe(remaining_calls(3));  // 90 s
  const CallContext context{"vm", Clock::now() + 20s, "run-1"};
  const RetryPolicy policy;
  const std::string description = "host detection window 1-7 page 1";
  int attempts = 0;
  const Attempt attempt = [&](int) -> asio::awaitable<void> {
    ++attempts;
    auto permit = co_await governor.acquire(context.deadline);
  };
  auto [failure, took] = timed(io, [&]() -> asio::awaitable<void> {
    co_await run_with_retries(context, policy, description, attempt);
  });
  ASSERT_TRUE(failure);
  EXPECT_LT(took, 1s);
  EXPECT_EQ(attempts, 1);
  try {
    std::rethrow_exception(failure);
  } catch (const FatalError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("host detection window 1-7 page 1: waiting 90"), std::string::npos)
        << message;
    EXPECT_NE(message.find("past the job's deadline (jobs.vm.timeout, 20 s from now)"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("Qualys rate limit, 3 calls left in the 3600 s window"),
              std::string::npos)
        << message;
  }
}

TEST(RateGovernorPause, CountsTheTimeCallsWerePausedUpToNow) {
  asio::io_context io;
  RateGovernor governor(io.get_executor(), 2, 0, 30min);
  const auto start = Clock::now();
  EXPECT_EQ(governor.paused_total(start), Clock::duration::zero());
  governor.pause_for(10s, "test");
  EXPECT_LT(governor.paused_total(start), 1s);
  EXPECT_GE(governor.paused_total(start + 4s), 3s);
  EXPECT_LE(governor.paused_total(start + 4s), 5s);
  EXPECT_GE(governor.paused_total(start + 60s), 10s);
  EXPECT_LT(governor.paused_total(start + 60s), 11s);
}

}  // namespace
}  // namespace qi::qualys
