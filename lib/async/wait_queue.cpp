#include "async/wait_queue.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

namespace qi::async {

WaitQueue::~WaitQueue() {
  while (!waiters_.empty()) wake(waiters_.front(), Wake::queue_destroyed);
}

asio::awaitable<void> WaitQueue::wait() {
  co_await wait_until(Clock::time_point::max());
}

asio::awaitable<bool> WaitQueue::wait_until(Clock::time_point deadline) {
  Waiter waiter(co_await asio::this_coro::executor, deadline);
  waiters_.push_back(waiter);
  // A notification and a cancellation both complete the timer wait with operation_aborted;
  // waiter.wake tells them apart. Once woken for any reason the waiter is no longer linked, and
  // after a queue_destroyed wake `this` must not be touched.
  const auto [error] = co_await waiter.timer.async_wait(asio::as_tuple(asio::use_awaitable));
  switch (waiter.wake) {
    case Wake::notified:
      co_return true;
    case Wake::queue_destroyed:
      throw boost::system::system_error(asio::error::operation_aborted);
    case Wake::not_yet:
      break;
  }
  // Still linked: the Waiter's destructor takes it out of the queue.
  if (error) throw boost::system::system_error(error);  // cancelled through the slot
  co_return false;                                      // the deadline passed
}

void WaitQueue::notify_one() noexcept {
  if (!waiters_.empty()) wake(waiters_.front(), Wake::notified);
}

void WaitQueue::notify_all() noexcept {
  while (!waiters_.empty()) wake(waiters_.front(), Wake::notified);
}

void WaitQueue::wake(Waiter& waiter, Wake why) noexcept {
  waiter.unlink();
  waiter.wake = why;
  // The deadline timer service reports no error from cancel(); a waiter whose wait has already
  // completed (deadline, cancellation) but has not resumed yet just finds `wake` set.
  waiter.timer.cancel();
}

}  // namespace qi::async
