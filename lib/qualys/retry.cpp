#include "qualys/retry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/error.hpp"
#include "common/log.hpp"

namespace qi::qualys {

using namespace std::chrono;

RetryPolicy RetryPolicy::from(const config::QualysConfig& config) {
  return RetryPolicy{config.max_attempts, config.backoff_initial, config.backoff_max,
                     config.max_server_wait};
}

milliseconds backoff_delay(const RetryPolicy& policy, int attempt, std::mt19937_64& rng) {
  const int doublings = std::clamp(attempt - 2, 0, 30);
  const auto base = policy.backoff_initial.count() <= 0 ? 1 : policy.backoff_initial.count();
  const auto ceiling = std::max<long long>(policy.backoff_max.count(), 1);
  long long full = base;
  for (int i = 0; i < doublings && full < ceiling; ++i) full *= 2;
  full = std::min(full, ceiling);
  std::uniform_int_distribution<long long> jitter(full / 2, full);
  return milliseconds(jitter(rng));
}

asio::awaitable<void> run_with_retries(const CallContext& context, const RetryPolicy& policy,
                                       const std::string& description, const Attempt& attempt) {
  std::mt19937_64 rng(std::random_device{}());
  const int max_attempts = std::max(1, policy.max_attempts);
  for (int n = 1;; ++n) {
    std::optional<milliseconds> wait;
    std::string failure;
    TransientCause cause{};
    try {
      co_await attempt(n);
      co_return;
    } catch (const TransientError& error) {
      failure = error.what();
      wait = error.wait_hint();
      cause = error.cause();
    } catch (const RefusedDocument& error) {
      throw FatalError(description + ": " + error.what() +
                       "; not retried, because the same request would get the same refusal");
    }
    if (n >= max_attempts) {
      throw FatalError(description + ": failed after " + std::to_string(n) +
                       " attempts; last error: " + failure);
    }
    if (wait && *wait > policy.max_server_wait) {
      throw FatalError(description + ": Qualys asks to wait " +
                       std::to_string(duration_cast<seconds>(*wait).count()) +
                       " s, longer than qualys.retry.max_server_wait; last error: " + failure);
    }
    const auto delay = std::max(wait.value_or(milliseconds(0)), backoff_delay(policy, n + 1, rng));
    // The wait counts against the job's deadline: one that ends past it fails the job now, with
    // the reason, rather than sleeping into the timeout with nothing fetched.
    if (const auto now = steady_clock::now(); now + delay >= context.deadline) {
      throw FatalError(fmt::format(
          "{}: waiting {:.1f} s would end past the job's deadline (jobs.{}.timeout, {:.0f} s "
          "from now); failing now instead of waiting into the timeout; last error: {}",
          description, duration<double>(delay).count(), context.job,
          duration<double>(std::max(context.deadline - now, steady_clock::duration::zero()))
              .count(),
          failure));
    }
    if (context.retries != nullptr) context.retries->add(cause);
    log::warn(fmt::format("{}: {}: attempt {}/{} failed: {}; retrying in {:.1f} s", context.job,
                          description, n, max_attempts, failure, duration<double>(delay).count()),
              {{"JOB", context.job}, {"RUN_ID", context.run_id}, {"ATTEMPT", std::to_string(n)}});
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

}  // namespace qi::qualys
