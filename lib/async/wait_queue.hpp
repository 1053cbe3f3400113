// A queue of coroutines waiting for some state to change: the condition variable Asio lacks, for
// code that runs on one io_context thread (so no lock: nothing runs between a waiter's check of
// its condition and its co_await wait(), which is why no notification can slip in between).
// The owner of the state owns the queue; whoever changes the state calls notify_one/notify_all.
//
//   while (!ready()) co_await queue.wait();
//
// Waiters wake in the order they started waiting. A notification with nobody waiting is not
// kept: waiters check their condition before waiting, as with std::condition_variable.
// A wait ends with asio::error::operation_aborted (thrown) when the waiting coroutine is
// cancelled through its cancellation slot (the job's deadline, `||`, a parallel_group) or when
// the queue is destroyed; a cancelled waiter leaves the queue, so later notifications go to
// somebody still waiting. A waiter notified before it resumes from its cancellation (or from its
// deadline) returns normally: it has taken the notification and acts on it (its next co_await
// then throws), so a notify_one is never lost to a waiter that gives up.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/intrusive/list.hpp>
#include <chrono>
#include <cstddef>

namespace qi::async {

namespace asio = boost::asio;

class WaitQueue {
 public:
  using Clock = asio::steady_timer::clock_type;

  WaitQueue() = default;
  WaitQueue(const WaitQueue&) = delete;
  WaitQueue& operator=(const WaitQueue&) = delete;
  // Every wait still in progress ends with operation_aborted; none of them touches the queue
  // again.
  ~WaitQueue();

  // Until notified. Throws operation_aborted when cancelled or when the queue is destroyed.
  asio::awaitable<void> wait();

  // Until notified (true) or until `deadline` passes (false), whichever comes first. Throws
  // operation_aborted when cancelled or when the queue is destroyed.
  asio::awaitable<bool> wait_until(Clock::time_point deadline);

  // Wakes the longest waiting coroutine, if any.
  void notify_one() noexcept;
  // Wakes every coroutine waiting now (not those that start waiting after this call).
  void notify_all() noexcept;

  // How many coroutines are waiting (woken ones that have not resumed yet no longer count).
  std::size_t size() const noexcept { return waiters_.size(); }

 private:
  enum class Wake { not_yet, notified, queue_destroyed };

  // One waiting coroutine; lives in that coroutine's frame and unlinks itself when it goes, so a
  // cancelled or destroyed wait never leaves a dangling entry.
  struct Waiter : boost::intrusive::list_base_hook<
                      boost::intrusive::link_mode<boost::intrusive::auto_unlink>> {
    Waiter(const asio::any_io_executor& executor, Clock::time_point deadline)
        : timer(executor, deadline) {}
    asio::steady_timer timer;  // expires at the deadline; cancelled to wake the waiter early
    Wake wake = Wake::not_yet;
  };

  void wake(Waiter& waiter, Wake why) noexcept;

  boost::intrusive::list<Waiter, boost::intrusive::constant_time_size<false>> waiters_;
};

}  // namespace qi::async
