// WaitQueue: who wakes, in which order, and what a notification with nobody waiting does.
#include "async/wait_queue.hpp"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <optional>
#include <vector>

#include "wait_queue_test_support.hpp"

namespace qi::async {
namespace {

using namespace std::chrono_literals;
using testing::Outcome;
using testing::start;
using Clock = WaitQueue::Clock;

asio::awaitable<void> wait_once(WaitQueue& queue, std::vector<std::size_t>& woken, std::size_t id) {
  co_await queue.wait();
  woken.push_back(id);
}

// Coroutines that each wait once on `queue` and record their number (0, 1, ...) when woken.
class WaitingCoroutines : public ::testing::Test {
 protected:
  void start_waiting(std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      const std::size_t id = outcomes_.size();
      start(io_, wait_once(queue_, woken_, id), outcomes_.emplace_back());
    }
    io_.poll();
  }
  const Outcome& outcome(std::size_t id) const { return outcomes_.at(id); }

  asio::io_context io_;
  WaitQueue queue_;
  std::vector<std::size_t> woken_;

 private:
  std::deque<Outcome> outcomes_;  // stable addresses for the completion handlers
};

TEST_F(WaitingCoroutines, WakeInTheOrderTheyStartedWaiting) {
  start_waiting(3);
  for (int round = 0; round < 3; ++round) {
    queue_.notify_one();
    io_.poll();
  }
  EXPECT_EQ(woken_, (std::vector<std::size_t>{0, 1, 2}));
}

TEST_F(WaitingCoroutines, AreWokenOneAtATimeByNotifyOne) {
  start_waiting(3);
  ASSERT_EQ(queue_.size(), 3u);
  queue_.notify_one();
  io_.poll();
  EXPECT_EQ(woken_, (std::vector<std::size_t>{0}));
  EXPECT_EQ(queue_.size(), 2u);
}

TEST_F(WaitingCoroutines, AreAllWokenByNotifyAllExceptThoseStartingLater) {
  start_waiting(2);
  queue_.notify_all();
  start_waiting(1);
  EXPECT_EQ(woken_, (std::vector<std::size_t>{0, 1}));
  EXPECT_FALSE(outcome(2).finished);
  EXPECT_EQ(queue_.size(), 1u);
  queue_.notify_one();
  io_.run();
  EXPECT_TRUE(outcome(2).returned());
}

TEST_F(WaitingCoroutines, AreNotWokenByANotificationSentWhileNobodyWaited) {
  queue_.notify_one();
  queue_.notify_all();
  start_waiting(1);
  EXPECT_TRUE(woken_.empty());
  EXPECT_EQ(queue_.size(), 1u);
  queue_.notify_one();
  io_.run();
  EXPECT_TRUE(outcome(0).returned());
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
  for (std::size_t producer = 0; producer < 4; ++producer) {
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
  for (std::size_t consumer = 0; consumer < 4; ++consumer) {
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

// Starts `queue.wait_until(deadline)`; `notified` gets what it returns.
void start_wait_until(asio::io_context& io, WaitQueue& queue, Clock::time_point deadline,
                      std::optional<bool>& notified, Outcome& outcome) {
  start(
      io,
      [&queue, deadline, &notified]() -> asio::awaitable<void> {
        notified = co_await queue.wait_until(deadline);
      },
      outcome);
}

TEST(WaitQueue, WaitUntilReturnsFalseOnceTheDeadlinePasses) {
  asio::io_context io;
  WaitQueue queue;
  std::optional<bool> notified;
  Outcome outcome;
  const auto start_time = Clock::now();
  start_wait_until(io, queue, start_time + 30ms, notified, outcome);
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
  start_wait_until(io, queue, Clock::now() + 1h, notified, outcome);
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
  start_wait_until(io, queue, Clock::now() - 1s, notified, outcome);
  io.run();
  EXPECT_EQ(notified, false);
}

TEST(WaitQueue, AWaiterWhoseDeadlinePassedGivesUpItsPlaceToTheNext) {
  asio::io_context io;
  WaitQueue queue;
  std::vector<std::size_t> woken;
  Outcome timed, untimed;
  start(
      io, [&]() -> asio::awaitable<void> { co_await queue.wait_until(Clock::now() + 10ms); },
      timed);
  start(io, wait_once(queue, woken, 1), untimed);
  while (!timed.finished) io.run_one();  // both start waiting; the first ends at its deadline
  queue.notify_one();
  io.run();
  EXPECT_EQ(woken, (std::vector<std::size_t>{1}));
}

}  // namespace
}  // namespace qi::async
