// WaitQueue: how a wait ends when its coroutine is cancelled (slot, `||`, parallel_group) or
// its queue goes away, and that a wait given up never swallows a notification.
#include <gtest/gtest.h>

#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <stdexcept>

#include "async/wait_queue.hpp"
#include "wait_queue_test_support.hpp"

namespace qi::async {
namespace {

using testing::Outcome;
using testing::start;

TEST(WaitQueueCancellation, ACancelledWaitThrowsOperationAbortedAndLeavesTheQueue) {
  asio::io_context io;
  WaitQueue queue;
  asio::cancellation_signal cancel;
  Outcome outcome;
  start(io, queue.wait(), outcome, cancel);
  io.poll();
  ASSERT_EQ(queue.size(), 1u);
  cancel.emit(asio::cancellation_type::terminal);
  io.run();
  EXPECT_TRUE(outcome.aborted());
  EXPECT_EQ(queue.size(), 0u);
}

TEST(WaitQueueCancellation, ACancelledWaiterGivesUpItsPlaceToTheNext) {
  asio::io_context io;
  WaitQueue queue;
  asio::cancellation_signal cancel;
  Outcome first, second;
  start(io, queue.wait(), first, cancel);
  start(io, queue.wait(), second);
  io.poll();
  cancel.emit(asio::cancellation_type::terminal);
  io.poll();
  queue.notify_one();
  io.run();
  EXPECT_TRUE(first.aborted());
  EXPECT_TRUE(second.returned());
}

// The notification reached the waiter first: it returns and acts on it (here: it would take a
// slot whose release wakes the next), and the cancellation stops it at its next co_await.
TEST(WaitQueueCancellation, AWaiterNotifiedBeforeItsCancellationKeepsTheNotification) {
  asio::io_context io;
  WaitQueue queue;
  WaitQueue elsewhere;
  asio::cancellation_signal cancel;
  bool first_woken = false;
  Outcome first, second;
  start(
      io,
      [&]() -> asio::awaitable<void> {
        co_await queue.wait();
        first_woken = true;
        co_await elsewhere.wait();
      },
      first, cancel);
  start(io, queue.wait(), second);
  io.poll();
  queue.notify_one();
  cancel.emit(asio::cancellation_type::terminal);
  io.poll();
  EXPECT_TRUE(first_woken);
  EXPECT_TRUE(first.aborted());
  EXPECT_FALSE(second.finished);
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_EQ(elsewhere.size(), 0u);
  queue.notify_one();
  io.run();
  EXPECT_TRUE(second.returned());
}

TEST(WaitQueueCancellation, TheLosingWaitOfAnOrOperatorLeavesItsQueue) {
  using namespace asio::experimental::awaitable_operators;
  asio::io_context io;
  WaitQueue loser;
  WaitQueue winner;
  std::size_t which = 99;
  Outcome outcome;
  start(
      io,
      [&]() -> asio::awaitable<void> {
        auto result = co_await (loser.wait() || winner.wait());
        which = result.index();
      },
      outcome);
  io.poll();
  ASSERT_EQ(loser.size(), 1u);
  winner.notify_one();
  io.run();
  EXPECT_TRUE(outcome.returned());
  EXPECT_EQ(which, 1u);
  EXPECT_EQ(loser.size(), 0u);
}

TEST(WaitQueueCancellation, AParallelGroupCancelsTheWaitWhenAnotherOperationFails) {
  asio::io_context io;
  WaitQueue queue;
  WaitQueue trigger;
  std::exception_ptr wait_error, failure;
  Outcome outcome;
  start(
      io,
      [&]() -> asio::awaitable<void> {
        auto executor = co_await asio::this_coro::executor;
        auto fail = [&]() -> asio::awaitable<void> {
          co_await trigger.wait();
          throw std::runtime_error("window failed");
        };
        auto group = asio::experimental::make_parallel_group(
            asio::co_spawn(executor, queue.wait(), asio::deferred),
            asio::co_spawn(executor, fail(), asio::deferred));
        auto [order, waited, failed] = co_await group.async_wait(
            asio::experimental::wait_for_one_error(), asio::use_awaitable);
        wait_error = waited;
        failure = failed;
      },
      outcome);
  io.poll();
  ASSERT_EQ(queue.size(), 1u);
  trigger.notify_one();
  io.run();
  EXPECT_TRUE(outcome.returned());
  EXPECT_TRUE(failure);
  EXPECT_TRUE((Outcome{true, wait_error}.aborted()));
  EXPECT_EQ(queue.size(), 0u);
}

TEST(WaitQueueCancellation, DestroyingTheQueueEndsEveryWaitWithOperationAborted) {
  asio::io_context io;
  auto queue = std::make_unique<WaitQueue>();
  Outcome plain, timed;
  start(io, queue->wait(), plain);
  start(
      io,
      [&]() -> asio::awaitable<void> {
        co_await queue->wait_until(WaitQueue::Clock::now() + std::chrono::hours(1));
      },
      timed);
  io.poll();
  queue.reset();
  io.run_for(std::chrono::seconds(5));  // a wait the destructor missed would last an hour
  EXPECT_TRUE(plain.aborted());
  EXPECT_TRUE(timed.aborted());
}

TEST(WaitQueueCancellation, WaitsDroppedWithTheirIoContextLeaveTheQueueEmpty) {
  WaitQueue queue;
  {
    asio::io_context io;
    Outcome first, second;
    start(io, queue.wait(), first);
    start(io, queue.wait(), second);
    io.poll();
    ASSERT_EQ(queue.size(), 2u);
  }
  EXPECT_EQ(queue.size(), 0u);
  queue.notify_all();
}

}  // namespace
}  // namespace qi::async
