// Keeps the requests of one JiraTransport within a rate the server allows (Assets Cloud: about
// 1,000 a minute per site): at most `limit` requests start in any window. A request that would
// exceed it waits until the oldest start in the window has aged out; every wait is logged once,
// with its length and reason. Used from coroutines on one io_context thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <deque>

#include "qualys/retry.hpp"

namespace qi::insight {

namespace asio = boost::asio;

class RequestRateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // limit 0: no limit. `setting` names where the limit comes from, for the log.
  RequestRateLimiter(int limit, Clock::duration window, std::string setting);

  // Returns when one more request may start, and counts it as started. Honours cancellation.
  // A wait that would end past context.deadline is not waited: it throws qi::TransientError
  // with the wait as hint, which run_with_retries turns into a failure naming the deadline.
  asio::awaitable<void> acquire(const qualys::CallContext& context);

 private:
  int limit_;
  Clock::duration window_;
  std::string setting_;
  std::deque<Clock::time_point> starts_;  // the request starts inside the current window
};

}  // namespace qi::insight
