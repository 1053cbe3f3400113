#include "qualys/retry.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "common/error.hpp"

namespace qi::qualys {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

RetryPolicy fast_policy(int attempts = 4) {
  RetryPolicy policy;
  policy.max_attempts = attempts;
  policy.backoff_initial = 1ms;
  policy.backoff_max = 5ms;
  policy.max_server_wait = 1s;
  return policy;
}

CallContext no_deadline() {
  return CallContext{"kb", std::chrono::steady_clock::time_point::max(), "run-1"};
}

// Runs the retry loop to completion and returns its exception, if any.
std::exception_ptr run(const CallContext& context, const RetryPolicy& policy,
                       std::function<asio::awaitable<void>(int)> attempt) {
  asio::io_context io;
  std::exception_ptr failure;
  const std::string description = "KB window 1-100";
  asio::co_spawn(io, run_with_retries(context, policy, description, attempt),
                 [&](std::exception_ptr e) { failure = e; });
  io.run();
  return failure;
}

std::string message_of(std::exception_ptr failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

TEST(Retry, CountsEachRetryByTheCauseOfTheFailureBeforeIt) {
  RetryCounts counts;
  auto context = no_deadline();
  context.retries = &counts;
  auto failure = run(context, fast_policy(6), [&](int n) -> asio::awaitable<void> {
    if (n == 1) throw TransientError("HTTP 503", TransientCause::server_error);
    if (n == 2) throw TransientError("CODE 1960", TransientCause::concurrency);
    if (n == 3) throw TransientError("HTTP 429", std::chrono::milliseconds(1));  // a wait: rate
    if (n == 4) throw TransientError("connection reset");
    co_return;
  });
  EXPECT_FALSE(failure);
  EXPECT_EQ(counts.of(TransientCause::server_error), 1u);
  EXPECT_EQ(counts.of(TransientCause::concurrency), 1u);
  EXPECT_EQ(counts.of(TransientCause::rate_limit), 1u);
  EXPECT_EQ(counts.of(TransientCause::network), 1u);
}

TEST(Retry, DoesNotCountTheFailureThatEndsTheAttempts) {
  RetryCounts counts;
  auto context = no_deadline();
  context.retries = &counts;
  auto failure = run(context, fast_policy(2), [&](int) -> asio::awaitable<void> {
    throw TransientError("connection reset");
    co_return;
  });
  EXPECT_TRUE(failure);
  EXPECT_EQ(counts.of(TransientCause::network), 1u);
}

TEST(Retry, RepeatsTheAttemptAfterTransientErrorsUntilItSucceeds) {
  int attempts = 0;
  auto failure = run(no_deadline(), fast_policy(), [&](int n) -> asio::awaitable<void> {
    attempts = n;
    if (n < 3) throw TransientError("connection reset");
    co_return;
  });
  EXPECT_FALSE(failure);
  EXPECT_EQ(attempts, 3);
}

TEST(Retry, FailsWithTheLastErrorOnceAttemptsRunOut) {
  int attempts = 0;
  auto failure = run(no_deadline(), fast_policy(3), [&](int n) -> asio::awaitable<void> {
    attempts = n;
    throw TransientError("HTTP 503");
    co_return;
  });
  ASSERT_TRUE(failure);
  EXPECT_EQ(attempts, 3);
  const auto message = message_of(failure);
  EXPECT_NE(message.find("KB window 1-100"), std::string::npos);
  EXPECT_NE(message.find("3 attempts"), std::string::npos);
  EXPECT_NE(message.find("HTTP 503"), std::string::npos);
  EXPECT_THROW(std::rethrow_exception(failure), FatalError);
}

TEST(Retry, DoesNotRetryFatalErrors) {
  int attempts = 0;
  auto failure = run(no_deadline(), fast_policy(), [&](int n) -> asio::awaitable<void> {
    attempts = n;
    throw FatalError("CODE 2001", "2001");
    co_return;
  });
  ASSERT_TRUE(failure);
  EXPECT_EQ(attempts, 1);
}

TEST(Retry, FailsAtOnceNamingTheRequestWhenADocumentIsRefused) {
  int attempts = 0;
  auto failure = run(no_deadline(), fast_policy(), [&](int n) -> asio::awaitable<void> {
    attempts = n;
    throw RefusedDocument("refused XML at line 3: entity 'nbsp' is not expanded");
    co_return;
  });
  EXPECT_EQ(attempts, 1);
  ASSERT_TRUE(failure);
  EXPECT_EQ(message_of(failure),
            "KB window 1-100: refused XML at line 3: entity 'nbsp' is not expanded; not retried, "
            "because the same request would get the same refusal");
  EXPECT_THROW(std::rethrow_exception(failure), FatalError);
}

TEST(Retry, WaitsAtLeastAsLongAsTheServerAsks) {
  const auto start = std::chrono::steady_clock::now();
  auto failure = run(no_deadline(), fast_policy(), [&](int n) -> asio::awaitable<void> {
    if (n == 1) throw TransientError("HTTP 429", 60ms);
    co_return;
  });
  EXPECT_FALSE(failure);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 60ms);
}

TEST(Retry, FailsAtOnceWhenTheServerAsksForAnUnreasonableWait) {
  int attempts = 0;
  auto failure = run(no_deadline(), fast_policy(), [&](int n) -> asio::awaitable<void> {
    attempts = n;
    throw TransientError("rate limit, CODE 1965", std::chrono::hours(19));
    co_return;
  });
  ASSERT_TRUE(failure);
  EXPECT_EQ(attempts, 1);
  EXPECT_NE(message_of(failure).find("max_server_wait"), std::string::npos);
}

TEST(Retry, GivesUpWhenTheNextAttemptWouldMissTheDeadline) {
  CallContext context{"kb", std::chrono::steady_clock::now() + 20ms, "run-1"};
  int attempts = 0;
  auto failure = run(context, fast_policy(10), [&](int n) -> asio::awaitable<void> {
    attempts = n;
    throw TransientError("HTTP 503", 50ms);
    co_return;
  });
  ASSERT_TRUE(failure);
  EXPECT_EQ(attempts, 1);
  EXPECT_NE(message_of(failure).find("deadline"), std::string::npos);
}

TEST(Retry, BackoffGrowsExponentiallyWithJitterAndACeiling) {
  RetryPolicy policy;
  policy.backoff_initial = 100ms;
  policy.backoff_max = 1s;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 50; ++i) {
    auto first = backoff_delay(policy, 2, rng);
    EXPECT_GE(first, 50ms);
    EXPECT_LE(first, 100ms);
    auto third = backoff_delay(policy, 4, rng);
    EXPECT_GE(third, 200ms);
    EXPECT_LE(third, 400ms);
    auto late = backoff_delay(policy, 30, rng);
    EXPECT_GE(late, 500ms);
    EXPECT_LE(late, 1s);
  }
}

}  // namespace
}  // namespace qi::qualys
