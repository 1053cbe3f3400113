// Starting coroutines that wait on a WaitQueue and recording how they ended.
#pragma once

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/system_error.hpp>
#include <exception>

#include "async/wait_queue.hpp"

namespace qi::async::testing {

namespace asio = boost::asio;

// How one coroutine ended, once it has.
struct Outcome {
  bool finished = false;
  std::exception_ptr error;

  bool returned() const { return finished && !error; }
  bool aborted() const {
    if (!finished || !error) return false;
    try {
      std::rethrow_exception(error);
    } catch (const boost::system::system_error& e) {
      return e.code() == asio::error::operation_aborted;
    } catch (...) {
      return false;
    }
  }
};

inline auto record(Outcome& outcome) {
  return [&outcome](std::exception_ptr error) {
    outcome.finished = true;
    outcome.error = error;
  };
}

// `work` is an awaitable or a function returning one; pass a coroutine lambda itself, not its
// call: co_spawn keeps the lambda, and so its captures, alive while the coroutine runs.
template <class Work>
void start(asio::io_context& io, Work&& work, Outcome& outcome) {
  asio::co_spawn(io, std::forward<Work>(work), record(outcome));
}

// As start(), cancellable through `cancel`.
template <class Work>
void start(asio::io_context& io, Work&& work, Outcome& outcome, asio::cancellation_signal& cancel) {
  asio::co_spawn(io, std::forward<Work>(work),
                 asio::bind_cancellation_slot(cancel.slot(), record(outcome)));
}

}  // namespace qi::async::testing
