#include "jobs/ordered_windows.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>

#include "async/wait_queue.hpp"
#include "jobs/job_support.hpp"

namespace qi::jobs {
namespace {

// What the workers of one fetch_windows_in_order share (one thread: no locking needed).
struct WindowQueue {
  const WindowPlan& plan;
  const FetchWindow& fetch;
  const DeliverWindow& deliver;
  // A window is not started this far ahead of the first undelivered one: behind a slow window,
  // finished segments (open files and their buffers) must not pile up without end.
  std::size_t max_ahead;
  async::WaitQueue delivered{};  // notified whenever windows are delivered, to wake workers
  std::size_t next_to_start = 0;
  std::size_t next_to_deliver = 0;
  std::vector<std::optional<std::vector<output::CsvWriter>>> finished{};

  std::vector<output::CsvWriter> new_segments() const {
    std::vector<output::CsvWriter> segments;
    segments.reserve(plan.files);
    for (std::size_t i = 0; i < plan.files; ++i) {
      segments.push_back(output::CsvWriter::create_segment(plan.segment_dir, plan.dialect));
    }
    return segments;
  }

  void deliver_what_is_next() {
    const auto before = next_to_deliver;
    while (next_to_deliver < plan.windows && finished[next_to_deliver]) {
      auto segments = std::move(*finished[next_to_deliver]);
      finished[next_to_deliver].reset();
      deliver(next_to_deliver, segments);
      ++next_to_deliver;
    }
    if (next_to_deliver != before) delivered.notify_all();
  }
};

asio::awaitable<void> work_on(WindowQueue& queue) {
  while (queue.next_to_start < queue.plan.windows) {
    if (queue.next_to_start >= queue.next_to_deliver + queue.max_ahead) {
      co_await queue.delivered.wait();
      continue;
    }
    const std::size_t index = queue.next_to_start++;
    std::vector<output::CsvWriter> segments = queue.new_segments();
    co_await queue.fetch(index, segments);
    queue.finished[index] = std::move(segments);
    queue.deliver_what_is_next();
  }
}

}  // namespace

WindowPlan window_plan(const JobEnvironment& env, std::size_t windows, std::size_t files) {
  return WindowPlan{.windows = windows,
                    .workers = window_workers(env.config),
                    .files = files,
                    .segment_dir = env.config.output.dir,
                    .dialect = dialect_of(env.config)};
}

asio::awaitable<void> fetch_windows_in_order(const WindowPlan& plan, const FetchWindow& fetch,
                                             const DeliverWindow& deliver) {
  const std::size_t workers = std::max<std::size_t>(1, std::min(plan.workers, plan.windows));
  const auto executor = co_await asio::this_coro::executor;
  WindowQueue queue{.plan = plan,
                    .fetch = fetch,
                    .deliver = deliver,
                    .max_ahead = std::max<std::size_t>(4, 4 * workers)};
  queue.finished.resize(plan.windows);
  if (workers == 1) {
    co_await work_on(queue);
    co_return;
  }

  using Operation = decltype(asio::co_spawn(executor, work_on(queue), asio::deferred));
  std::vector<Operation> operations;
  for (std::size_t i = 0; i < workers; ++i) {
    operations.push_back(asio::co_spawn(executor, work_on(queue), asio::deferred));
  }
  auto group = asio::experimental::make_parallel_group(std::move(operations));
  auto [order, errors] =
      co_await group.async_wait(asio::experimental::wait_for_one_error(), asio::use_awaitable);
  // The first failure in completion order is the cause; the others are its cancellations.
  for (const auto index : order) {
    if (errors[index]) std::rethrow_exception(errors[index]);
  }
}

}  // namespace qi::jobs
