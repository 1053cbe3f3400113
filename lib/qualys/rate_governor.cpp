#include "qualys/rate_governor.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>

namespace qi::qualys {

namespace {

std::optional<long long> header_number(const net::HttpResponseHead& head, std::string_view name) {
  auto value = head.header(name);
  if (!value) return std::nullopt;
  std::string_view text = *value;
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  long long number = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc{} || ptr == text.data()) return std::nullopt;
  return number;
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

RateGovernor::RateGovernor(asio::any_io_executor executor, int max_concurrency, int reserve)
    : executor_(std::move(executor)), max_concurrency_(std::max(1, max_concurrency)),
      reserve_(std::max(0, reserve)) {}

int RateGovernor::concurrency_limit() const {
  if (server_limit_ > 0) return std::min(max_concurrency_, server_limit_);
  return max_concurrency_;
}

asio::awaitable<RateGovernor::Permit> RateGovernor::acquire() {
  for (;;) {
    const auto now = Clock::now();
    if (paused_until_ > now) {
      asio::steady_timer timer(executor_, paused_until_);
      co_await timer.async_wait(asio::use_awaitable);
      continue;
    }
    if (in_use_ < concurrency_limit()) {
      ++in_use_;
      co_return Permit(this);
    }
    auto timer = std::make_shared<asio::steady_timer>(executor_, Clock::time_point::max());
    struct Unlist {
      std::list<std::shared_ptr<asio::steady_timer>>& waiters;
      std::list<std::shared_ptr<asio::steady_timer>>::iterator position;
      ~Unlist() { waiters.erase(position); }
    } unlist{waiters_, waiters_.insert(waiters_.end(), timer)};
    // A release cancels the timer (operation_aborted) to wake us; a cancellation of our own
    // coroutine arrives the same way, so check the coroutine's cancellation state afterwards.
    co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
    auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none) {
      throw boost::system::system_error(asio::error::operation_aborted);
    }
  }
}

void RateGovernor::release_slot() {
  if (in_use_ > 0) --in_use_;
  wake_one();
}

void RateGovernor::wake_one() {
  for (auto& timer : waiters_) {
    if (timer->expiry() == Clock::time_point::max()) {
      timer->expires_at(Clock::time_point::min());  // cancels the pending wait
      return;
    }
  }
}

void RateGovernor::pause_for(std::chrono::milliseconds wait) {
  paused_until_ = std::max(paused_until_, Clock::now() + wait);
}

void RateGovernor::observe(const net::HttpResponseHead& head) {
  if (auto limit = header_number(head, "X-Concurrency-Limit-Limit"); limit && *limit > 0) {
    server_limit_ = static_cast<int>(std::min<long long>(*limit, 1000));
  }
  auto remaining = header_number(head, "X-RateLimit-Remaining");
  auto to_wait = header_number(head, "X-RateLimit-ToWait-Sec");
  if (to_wait && *to_wait > 0) {
    pause_for(std::chrono::seconds(*to_wait));
    return;
  }
  if (!remaining || *remaining > reserve_) return;
  // Few calls left in the rolling window: spread the remaining ones over the window rather than
  // spending them now and then waiting for the whole window (other integrations share it).
  auto window = header_number(head, "X-RateLimit-Window-Sec").value_or(3600);
  if (*remaining <= 0) {
    pause_for(std::chrono::seconds(std::max<long long>(window / 60, 1)));
  } else {
    pause_for(std::chrono::seconds(window / (*remaining + 1) / 10));
  }
}

}  // namespace qi::qualys
