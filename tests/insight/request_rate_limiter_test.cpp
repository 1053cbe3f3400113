#include "insight/request_rate_limiter.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "insight/simulated_assets.hpp"

namespace qi::insight {
namespace {

using namespace std::chrono;
using Clock = std::chrono::steady_clock;

qualys::CallContext context_until(Clock::time_point deadline) {
  return qualys::CallContext{
      .job = "insight", .deadline = deadline, .run_id = "r", .retries = nullptr};
}

// Acquires `n` starts one after another and returns when each was granted.
std::vector<Clock::time_point> acquire(RequestRateLimiter& limiter, int n,
                                       const qualys::CallContext& context) {
  boost::asio::io_context io;
  return qi::testing::run_coroutine<std::vector<Clock::time_point>>(
      io, [&]() -> boost::asio::awaitable<std::vector<Clock::time_point>> {
        std::vector<Clock::time_point> granted;
        for (int i = 0; i < n; ++i) {
          co_await limiter.acquire(context);
          granted.push_back(Clock::now());
        }
        co_return granted;
      });
}

TEST(RequestRateLimiter, LetsTheLimitThroughAtOnceAndHoldsTheNextUntilTheWindowMoves) {
  RequestRateLimiter limiter(2, 300ms, "test limit");
  qi::testing::CapturedLog log;
  const auto start = Clock::now();
  const auto granted = acquire(limiter, 3, context_until(Clock::time_point::max()));
  EXPECT_LT(granted[1] - start, 250ms);
  EXPECT_GE(granted[2] - start, 300ms);
  EXPECT_NE(log.text().find("the rate limit of 2 requests per 0.3 s is reached (test limit)"),
            std::string::npos)
      << log.text();
}

TEST(RequestRateLimiter, LogsEachWaitOnce) {
  RequestRateLimiter limiter(1, 100ms, "test limit");
  qi::testing::CapturedLog log;
  acquire(limiter, 3, context_until(Clock::time_point::max()));
  const auto text = log.text();
  std::size_t waits = 0;
  for (auto at = text.find("waiting"); at != std::string::npos; at = text.find("waiting", at + 1)) {
    ++waits;
  }
  EXPECT_EQ(waits, 2u) << text;
}

TEST(RequestRateLimiter, RefusesAWaitPastTheDeadlineWithTheWaitAsHint) {
  RequestRateLimiter limiter(1, 60s, "test limit");
  const auto context = context_until(Clock::now() + 5s);
  acquire(limiter, 1, context);
  try {
    acquire(limiter, 1, context);
    ADD_FAILURE() << "no TransientError";
  } catch (const TransientError& error) {
    ASSERT_TRUE(error.wait_hint());
    EXPECT_GT(*error.wait_hint(), 55s);
    EXPECT_EQ(error.cause(), TransientCause::rate_limit);
  }
}

TEST(RequestRateLimiter, ZeroMeansNoLimit) {
  RequestRateLimiter limiter(0, 60s, "test limit");
  const auto start = Clock::now();
  acquire(limiter, 100, context_until(Clock::now() + 1s));
  EXPECT_LT(Clock::now() - start, 1s);
}

}  // namespace
}  // namespace qi::insight
