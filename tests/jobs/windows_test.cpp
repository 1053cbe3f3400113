// Host-ID windows and the ordered concurrent window runner, without a network.
#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "jobs/host_windows.hpp"
#include "jobs/ordered_windows.hpp"
#include "support/read_file.hpp"
#include "support/temp_dir.hpp"

namespace qi::jobs {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

std::vector<std::string> texts(const std::vector<HostWindow>& windows) {
  std::vector<std::string> out;
  for (const auto& w : windows) out.push_back(w.text());
  return out;
}

TEST(HostWindows, CoveringWindowsPartitionTheWholeIdSpace) {
  HostWindowBuilder builder(HostWindowBuilder::Shape::covering, 3);
  EXPECT_TRUE(builder.add(10, 10));
  EXPECT_TRUE(builder.add(12, 13));
  EXPECT_TRUE(builder.add(20, 26));  // spans two cuts
  EXPECT_TRUE(builder.add(40, 40));
  EXPECT_EQ(builder.hosts(), 11u);
  const auto windows = std::move(builder).finish();
  // 10,12,13 | 20,21,22 | 23,24,25 | 26,40: open below the first and above the last.
  EXPECT_EQ(texts(windows), (std::vector<std::string>{"-19", "20-22", "23-25", "26-"}));
}

TEST(HostWindows, AnEmptyListStillCoversEveryHost) {
  HostWindowBuilder builder(HostWindowBuilder::Shape::covering, 1000);
  const auto windows = std::move(builder).finish();
  ASSERT_EQ(windows.size(), 1u);
  EXPECT_FALSE(windows[0].id_min);
  EXPECT_FALSE(windows[0].id_max);
  EXPECT_TRUE(windows[0].ids.empty());
}

TEST(HostWindows, ListedWindowsNameExactlyTheListedHosts) {
  HostWindowBuilder builder(HostWindowBuilder::Shape::listed, 4);
  EXPECT_TRUE(builder.add(1, 1));
  EXPECT_TRUE(builder.add(5, 9));
  EXPECT_TRUE(builder.add(12, 12));
  const auto windows = std::move(builder).finish();
  ASSERT_EQ(windows.size(), 2u);
  EXPECT_EQ(windows[0].ids, "1,5-7");
  EXPECT_EQ(windows[1].ids, "8-9,12");
  EXPECT_FALSE(windows[0].id_min);
  EXPECT_FALSE(windows[1].id_max);
}

TEST(HostWindows, AnEmptyListedListHasNoWindows) {
  HostWindowBuilder builder(HostWindowBuilder::Shape::listed, 4);
  EXPECT_TRUE(std::move(builder).finish().empty());
}

TEST(HostWindows, RefusesIdsThatDoNotAscend) {
  HostWindowBuilder builder(HostWindowBuilder::Shape::covering, 3);
  EXPECT_TRUE(builder.add(5, 8));
  EXPECT_FALSE(builder.add(8, 9));
  EXPECT_FALSE(builder.add(2, 3));
  EXPECT_FALSE(builder.add(12, 11));
  EXPECT_EQ(builder.hosts(), 4u);
}

// A fake window fetch: window i writes "i" after a delay that makes later windows finish first.
struct FakeWindows {
  asio::io_context io;
  qi::testing::TempDir dir;
  std::vector<std::chrono::milliseconds> delays;
  std::optional<std::size_t> failing;
  int in_flight = 0;
  int most_in_flight = 0;
  int cancelled = 0;
  std::size_t highest_started = 0;
  std::optional<std::size_t> highest_started_before_first_delivery;
  std::vector<std::size_t> delivered;

  std::optional<std::chrono::milliseconds> cancel_after;

  void run(std::size_t workers, std::exception_ptr& error) {
    auto out = output::CsvWriter::create(dir.path() / "out.csv");
    const FetchWindow fetch =
        [&](std::size_t index, std::vector<output::CsvWriter>& segments) -> asio::awaitable<void> {
      ++in_flight;
      most_in_flight = std::max(most_in_flight, in_flight);
      highest_started = std::max(highest_started, index);
      asio::steady_timer timer(io, delays[index]);
      try {
        co_await timer.async_wait(asio::use_awaitable);
      } catch (const boost::system::system_error&) {
        --in_flight;
        ++cancelled;
        throw;
      }
      --in_flight;
      if (failing == index) throw FatalError("window " + std::to_string(index) + " failed");
      segments[0].write_row({std::to_string(index)});
      segments[1].write_row({"other " + std::to_string(index)});
    };
    const DeliverWindow deliver = [&](std::size_t index, std::vector<output::CsvWriter>& segments) {
      if (!highest_started_before_first_delivery) {
        highest_started_before_first_delivery = highest_started;
      }
      delivered.push_back(index);
      out.append_segment(segments[0]);
    };
    const WindowPlan plan{.windows = delays.size(),
                          .workers = workers,
                          .files = 2,
                          .segment_dir = dir.path(),
                          .dialect = {}};
    asio::cancellation_signal cancel;
    asio::steady_timer cancel_timer(io, cancel_after.value_or(std::chrono::hours(1)));
    if (cancel_after) {
      cancel_timer.async_wait(
          [&](boost::system::error_code) { cancel.emit(asio::cancellation_type::terminal); });
    }
    asio::co_spawn(io, fetch_windows_in_order(plan, fetch, deliver),
                   asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e) {
                     error = e;
                     cancel_timer.cancel();
                   }));
    io.run();
    out.flush();
  }
};

TEST(OrderedWindows, RowsComeOutInWindowOrderWhateverOrderWindowsFinish) {
  FakeWindows fake;
  fake.delays = {60ms, 5ms, 30ms, 1ms, 20ms, 2ms};
  std::exception_ptr error;
  fake.run(3, error);
  ASSERT_FALSE(error);
  EXPECT_EQ(fake.delivered, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(qi::testing::read_file(fake.dir.path() / "out.csv"),
            "\"0\"\n\"1\"\n\"2\"\n\"3\"\n\"4\"\n\"5\"\n");
  EXPECT_EQ(fake.most_in_flight, 3);
  // No segment left behind under a name.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(fake.dir.path()),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(OrderedWindows, WindowsDoNotRunFarAheadOfASlowOne) {
  FakeWindows fake;
  fake.delays.assign(40, 1ms);
  fake.delays[0] = 300ms;
  std::exception_ptr error;
  fake.run(2, error);
  ASSERT_FALSE(error);
  // With 2 workers, at most 4 × 2 windows are started ahead of the first undelivered one.
  ASSERT_TRUE(fake.highest_started_before_first_delivery);
  EXPECT_EQ(*fake.highest_started_before_first_delivery, 7u);
  EXPECT_EQ(fake.delivered.size(), 40u);
  std::string expected;
  for (int i = 0; i < 40; ++i) expected += "\"" + std::to_string(i) + "\"\n";
  EXPECT_EQ(qi::testing::read_file(fake.dir.path() / "out.csv"), expected);
}

TEST(OrderedWindows, CancellingTheCallerStopsWorkersInFlightAndWaiting) {
  FakeWindows fake;
  fake.delays.assign(40, 1ms);
  fake.delays[0] = 30s;  // the other worker runs ahead, then waits for window 0
  fake.cancel_after = 200ms;
  std::exception_ptr error;
  const auto started = std::chrono::steady_clock::now();
  fake.run(2, error);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  ASSERT_TRUE(error);
  EXPECT_THROW(std::rethrow_exception(error), boost::system::system_error);
  EXPECT_TRUE(fake.delivered.empty());
  EXPECT_EQ(fake.in_flight, 0);
}

TEST(OrderedWindows, OneWorkerFetchesOneWindowAtATime) {
  FakeWindows fake;
  fake.delays = {3ms, 1ms, 2ms};
  std::exception_ptr error;
  fake.run(1, error);
  ASSERT_FALSE(error);
  EXPECT_EQ(fake.most_in_flight, 1);
  EXPECT_EQ(qi::testing::read_file(fake.dir.path() / "out.csv"), "\"0\"\n\"1\"\n\"2\"\n");
}

TEST(OrderedWindows, MoreWorkersThanWindowsIsFine) {
  FakeWindows fake;
  fake.delays = {2ms, 1ms};
  std::exception_ptr error;
  fake.run(8, error);
  ASSERT_FALSE(error);
  EXPECT_EQ(fake.most_in_flight, 2);
  EXPECT_EQ(qi::testing::read_file(fake.dir.path() / "out.csv"), "\"0\"\n\"1\"\n");
}

TEST(OrderedWindows, NoWindowsDeliversNothing) {
  FakeWindows fake;
  std::exception_ptr error;
  fake.run(2, error);
  ASSERT_FALSE(error);
  EXPECT_TRUE(fake.delivered.empty());
}

TEST(OrderedWindows, TheFirstFailureCancelsTheOthersAndIsWhatTheCallerSees) {
  FakeWindows fake;
  fake.delays = {10s, 10s, 1ms, 10s};
  fake.failing = 2;
  std::exception_ptr error;
  const auto started = std::chrono::steady_clock::now();
  fake.run(3, error);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  ASSERT_TRUE(error);
  try {
    std::rethrow_exception(error);
  } catch (const FatalError& e) {
    EXPECT_STREQ(e.what(), "window 2 failed");
  }
  EXPECT_EQ(fake.cancelled, 2);  // windows 0 and 1 were in flight
  EXPECT_TRUE(fake.delivered.empty());
  EXPECT_EQ(fake.in_flight, 0);
}

}  // namespace
}  // namespace qi::jobs
