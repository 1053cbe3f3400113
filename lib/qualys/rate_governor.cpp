#include "qualys/rate_governor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/use_awaitable.hpp>

#include "common/error.hpp"
#include "common/log.hpp"

namespace qi::qualys {

using namespace std::chrono;

namespace {

// Seconds from a header are clamped here, so a hostile value cannot overflow the clock arithmetic;
// a wait this long fails every job anyway (it exceeds any max_server_wait a config can hold).
constexpr long long kLongestHeaderSeconds = 366LL * 24 * 3600;

std::optional<long long> header_number(const net::HttpResponseHead& head, std::string_view name) {
  const auto number = head.header_number(name);
  if (!number) return std::nullopt;
  return std::clamp(*number, -kLongestHeaderSeconds, kLongestHeaderSeconds);
}

std::string calls_left(long long remaining) {
  if (remaining <= 0) return "no calls left";
  return std::to_string(remaining) + (remaining == 1 ? " call left" : " calls left");
}

// Whole seconds, rounded up: "waiting 1 s" rather than "waiting 0 s" for the last moments.
long long whole_seconds(steady_clock::duration d) {
  return ceil<seconds>(d).count();
}

}  // namespace

RateGovernor::Permit& RateGovernor::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::exchange(other.owner_, nullptr);
  }
  return *this;
}

void RateGovernor::Permit::release() {
  if (owner_ != nullptr) std::exchange(owner_, nullptr)->release_slot();
}

RateGovernor::RateGovernor(asio::any_io_executor executor, int max_concurrency, int reserve,
                           milliseconds max_pause)
    : executor_(std::move(executor)),
      max_concurrency_(std::max(1, max_concurrency)),
      reserve_(std::max(0, reserve)),
      max_pause_(std::max(max_pause, milliseconds(0))) {}

int RateGovernor::concurrency_limit() const {
  if (server_limit_ > 0) return std::min(max_concurrency_, server_limit_);
  return max_concurrency_;
}

asio::awaitable<RateGovernor::Permit> RateGovernor::acquire(Clock::time_point deadline) {
  for (;;) {
    const auto now = Clock::now();
    if (pause_.until > now) {
      // The same rule as for a wait the server asks of one request (run_with_retries): a pause
      // past the deadline or past the cap is not slept through; the caller's retry loop turns
      // this into the job's failure at once, with the reason.
      const auto left = pause_.until - now;
      if (left > max_pause_ || pause_.until >= deadline) {
        throw TransientError(fmt::format("every Qualys call is paused for {} s more: {}",
                                         whole_seconds(left), pause_.reason),
                             ceil<milliseconds>(left));
      }
      asio::steady_timer timer(executor_, pause_.until);
      co_await timer.async_wait(asio::use_awaitable);
      continue;
    }
    if (in_use_ < concurrency_limit()) {
      ++in_use_;
      co_return Permit(this);
    }
    co_await slot_freed_.wait();
  }
}

void RateGovernor::release_slot() {
  if (in_use_ > 0) --in_use_;
  slot_freed_.notify_one();
}

void RateGovernor::pause_for(milliseconds wait, std::string reason) {
  start_pause(wait, std::move(reason), {});
}

void RateGovernor::start_pause(milliseconds wait, std::string reason, std::string_view detail) {
  const auto now = Clock::now();
  const auto until = now + wait;
  if (wait <= milliseconds(0) || until <= pause_.until)
    return;  // a pause at least as long is in force already
  const bool in_force = pause_.until > now;
  paused_total_ += until - std::max(pause_.until, now);
  const auto extension = until - pause_.until;
  pause_.until = until;
  // Responses in flight when a pause starts (other windows, the 1965 body after its header)
  // repeat the same wait: one log line per pause, not one per response.
  if (in_force && extension < seconds(1)) return;
  pause_.reason = std::move(reason);
  log::warn(fmt::format("pausing every Qualys call for {:.1f} s: {}{}",
                        duration<double>(wait).count(), pause_.reason, detail),
            {{"WAIT_SEC", std::to_string(whole_seconds(wait))}});
}

std::string RateGovernor::waiting(Clock::time_point now) const {
  if (pause_.until <= now) return {};
  return fmt::format("waiting {} s: {}", whole_seconds(pause_.until - now), pause_.reason);
}

RateGovernor::Clock::duration RateGovernor::paused_total(Clock::time_point now) const {
  return paused_total_ - std::max(pause_.until - now, Clock::duration::zero());
}

void RateGovernor::observe(const net::HttpResponseHead& head) {
  if (auto limit = header_number(head, "X-Concurrency-Limit-Limit"); limit && *limit > 0) {
    server_limit_ = static_cast<int>(std::min<long long>(*limit, 1000));
  }
  auto remaining = header_number(head, "X-RateLimit-Remaining");
  auto to_wait = header_number(head, "X-RateLimit-ToWait-Sec");
  if (to_wait && *to_wait > 0) {
    pause_for(seconds(*to_wait),
              fmt::format("Qualys rate limit, X-RateLimit-ToWait-Sec {} s", *to_wait));
    return;
  }
  if (!remaining || *remaining > reserve_) return;
  // Few calls left in the rolling window: spread the remaining ones over the window rather than
  // spending them now and then waiting for the whole window (other integrations share it). Our
  // own choice, so capped: a spread longer than max_pause would stall every job of the process
  // for longer than we would accept from the server itself.
  const auto window = header_number(head, "X-RateLimit-Window-Sec").value_or(3600);
  const auto spread = *remaining <= 0 ? seconds(std::max<long long>(window / 60, 1))
                                      : seconds(window / (*remaining + 1) / 10);
  const auto wait = std::min<milliseconds>(spread, max_pause_);
  std::string detail = fmt::format(" (qualys.rate_limit_reserve is {})", reserve_);
  if (wait < spread) {
    detail = fmt::format(
        " (qualys.rate_limit_reserve is {}; spreading them over the window "
        "would take {} s, capped at qualys.retry.max_server_wait)",
        reserve_, spread.count());
  }
  start_pause(
      wait, fmt::format("Qualys rate limit, {} in the {} s window", calls_left(*remaining), window),
      detail);
}

}  // namespace qi::qualys
