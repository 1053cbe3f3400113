// WaitQueue: who wakes, in which order, and what a notification with nobody waiting does.
#include "async/wait_queue.hpp"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <vector>

#include "wait_queue_test_support.hpp"

namespace qi::async {
namespace {

using namespace std::chrono_literals;
using testing::Outcome;
using testing::start;
using Clock = WaitQueue::Clock;

asio::awaitable<void> wait_once(WaitQueue& queue, std::vector<int>& woken, int id) {
  co_await queue.wait();
  woken.push_back(id);
}

TEST(WaitQueue, WakesWaitersInTheOrderTheyStartedWaiting) {
  asio::io_context io;
  WaitQueue queue;
  std::vector<int> woken;
  std::vector<Outcome> outcomes(3);
  for (int id = 0; id < 3; ++id) start(io, wait_once(queue, woken, id), outcomes[id]);
  io.poll();
  for (int round = 0; round < 3; ++round) {
    queue.notify_one();
    io.poll();
  }
  EXPECT_EQ(woken, (std::vector<int>{0, 1, 2}));
}

TEST(WaitQueue, NotifyOneWakesExactlyOneWaiter) {
  asio::io_context io;
  WaitQueue queue;
  std::vector<int> woken;
  std::vector<Outcome> outcomes(3);
  for (int id = 0; id < 3; ++id) start(io, wait_once(queue, woken, id), outcomes[id]);
  io.poll();
  ASSERT_EQ(queue.size(), 3u);
  queue.notify_one();
  io.poll();
  EXPECT_EQ(woken, (std::vector<int>{0}));
  EXPECT_EQ(queue.size(), 2u);
  queue.notify_all();
  io.run();
}

TEST(WaitQueue, NotifyAllWakesEveryWaiterButNotOnesThatStartWaitingLater) {
  asio::io_context io;
  WaitQueue queue;
  std::vector<int> woken;
  std::vector<Outcome> outcomes(3);
  start(io, wait_once(queue, woken, 0), outcomes[0]);
  start(io, wait_once(queue, woken, 1), outcomes[1]);
  io.poll();
  queue.notify_all();
  start(io, wait_once(queue, woken, 2), outcomes[2]);
  io.poll();
  EXPECT_EQ(woken, (std::vector<int>{0, 1}));
  EXPECT_FALSE(outcomes[2].finished);
  EXPECT_EQ(queue.size(), 1u);
  queue.notify_one();
  io.run();
  EXPECT_TRUE(outcomes[2].returned());
}

TEST(WaitQueue, ANotificationWithNobodyWaitingIsNotKept) {
  asio::io_context io;
  WaitQueue queue;
  queue.notify_one();
  queue.notify_all();
  std::vector<int> woken;
  Outcome outcome;
  start(io, wait_once(queue, woken, 0), outcome);
  io.poll();
  EXPECT_TRUE(woken.empty());
  EXPECT_EQ(queue.size(), 1u);
  queue.notify_one();
  io.run();
  EXPECT_TRUE(outcome.returned());
}

TEST(WaitQueue, AWaiterThatChecksItsConditionFirstDoesNotWaitForAChangeMadeBefore) {
  asio::io_context io;
  WaitQueue queue;
  bool ready = true;
  queue.notify_all();  // the change, announced while nobody waited
  Outcome outcome;
  start(
      io,
      [&]() -> asio::awaitable<void> {
        while (!ready) co_await queue.wait();
      },
      outcome);
  io.run();
  EXPECT_TRUE(outcome.returned());
}

// Producers and consumers handing over items one at a time: a lost wake-up leaves a consumer
// waiting with an item available, and run_for would then end with consumers unfinished.
TEST(WaitQueue, LosesNoWakeUpBetweenManyProducersAndConsumers) {
  asio::io_context io;
  WaitQueue items_ready;
  WaitQueue space_free;
  constexpr int kItems = 2000;
  constexpr int kCapacity = 3;
  int available = 0;
  int consumed = 0;
  std::vector<Outcome> outcomes(8);
  for (int producer = 0; producer < 4; ++producer) {
    start(
        io,
        [&]() -> asio::awaitable<void> {
          for (int i = 0; i < kItems / 4; ++i) {
            while (available == kCapacity) co_await space_free.wait();
            ++available;
            items_ready.notify_one();
            if (i % 7 == 0) co_await asio::post(io, asio::use_awaitable);
          }
        },
        outcomes[producer]);
  }
  for (int consumer = 0; consumer < 4; ++consumer) {
    start(
        io,
        [&]() -> asio::awaitable<void> {
          for (int i = 0; i < kItems / 4; ++i) {
            while (available == 0) co_await items_ready.wait();
            --available;
            ++consumed;
            space_free.notify_one();
            if (i % 5 == 0) co_await asio::post(io, asio::use_awaitable);
          }
        },
        outcomes[4 + consumer]);
  }
  io.run_for(10s);
  EXPECT_EQ(consumed, kItems);
  for (const auto& outcome : outcomes) EXPECT_TRUE(outcome.returned());
}

TEST(WaitQueue, WaitUntilReturnsFalseOnceTheDeadlinePasses) {
  asio::io_context io;
  WaitQueue queue;
  std::optional<bool> notified;
  Outcome outcome;
  const auto start_time = Clock::now();
  start(
      io,
      [&]() -> asio::awaitable<void> { notified = co_await queue.wait_until(start_time + 30ms); },
      outcome);
  io.run();
  EXPECT_TRUE(outcome.returned());
  EXPECT_EQ(notified, false);
  EXPECT_GE(Clock::now() - start_time, 30ms);
  EXPECT_EQ(queue.size(), 0u);
}

TEST(WaitQueue, WaitUntilReturnsTrueWhenNotifiedBeforeTheDeadline) {
  asio::io_context io;
  WaitQueue queue;
  std::optional<bool> notified;
  Outcome outcome;
  start(
      io,
      [&]() -> asio::awaitable<void> { notified = co_await queue.wait_until(Clock::now() + 1h); },
      outcome);
  io.poll();
  queue.notify_one();
  io.run();
  EXPECT_EQ(notified, true);
}

TEST(WaitQueue, WaitUntilAPassedDeadlineReturnsFalseAtOnce) {
  asio::io_context io;
  WaitQueue queue;
  std::optional<bool> notified;
  Outcome outcome;
  start(
      io,
      [&]() -> asio::awaitable<void> { notified = co_await queue.wait_until(Clock::now() - 1s); },
      outcome);
  io.run();
  EXPECT_EQ(notified, false);
}

TEST(WaitQueue, AWaiterWhoseDeadlinePassedGivesUpItsPlaceToTheNext) {
  asio::io_context io;
  WaitQueue queue;
  std::vector<int> woken;
  Outcome timed, untimed;
  start(
      io, [&]() -> asio::awaitable<void> { co_await queue.wait_until(Clock::now() + 10ms); },
      timed);
  start(io, wait_once(queue, woken, 1), untimed);
  while (!timed.finished) io.run_one();  // both start waiting; the first ends at its deadline
  queue.notify_one();
  io.run();
  EXPECT_EQ(woken, (std::vector<int>{1}));
}

}  // namespace
}  // namespace qi::async
