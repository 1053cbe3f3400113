#include "insight/request_rate_limiter.hpp"

#include <fmt/format.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/error.hpp"
#include "common/log.hpp"

namespace qi::insight {

using namespace std::chrono;

RequestRateLimiter::RequestRateLimiter(int limit, Clock::duration window, std::string setting)
    : limit_(limit), window_(window), setting_(std::move(setting)) {}

asio::awaitable<void> RequestRateLimiter::acquire(const qualys::CallContext& context) {
  if (limit_ <= 0) co_return;
  for (;;) {
    const auto now = Clock::now();
    while (!starts_.empty() && starts_.front() + window_ <= now) starts_.pop_front();
    if (std::cmp_less(starts_.size(), limit_)) {
      starts_.push_back(now);
      co_return;
    }
    const auto until = starts_.front() + window_;
    const auto wait = duration_cast<milliseconds>(until - now) + milliseconds(1);
    const auto reason = fmt::format("the rate limit of {} requests per {:g} s is reached ({})",
                                    limit_, duration<double>(window_).count(), setting_);
    if (until >= context.deadline) {
      throw TransientError("request rate limit: " + reason, TransientCause::rate_limit, wait);
    }
    // Short waits are the steady pace once the limit is reached; only the long ones are news.
    log::write(wait >= seconds(1) ? spdlog::level::info : spdlog::level::debug,
               fmt::format("{}: waiting {:.1f} s before the next request to Jira: {}", context.job,
                           duration<double>(wait).count(), reason),
               {{"JOB", context.job}, {"RUN_ID", context.run_id}});
    asio::steady_timer timer(co_await asio::this_coro::executor, wait);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

}  // namespace qi::insight
