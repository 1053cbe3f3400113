// Retrying one request (a page, a window) inside a job's deadline: exponential backoff with full
// jitter, server-requested waits honoured, and a clear error once the attempts are used up.
#pragma once

#include <array>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <random>
#include <string>

#include "common/error.hpp"
#include "config/config.hpp"

namespace qi::qualys {

namespace asio = boost::asio;

struct RetryPolicy {
  int max_attempts = 8;
  std::chrono::milliseconds backoff_initial{std::chrono::seconds(2)};
  std::chrono::milliseconds backoff_max{std::chrono::minutes(5)};
  // A server-requested wait longer than this fails the run instead of sleeping through it.
  std::chrono::milliseconds max_server_wait{std::chrono::minutes(30)};

  static RetryPolicy from(const config::QualysConfig& config);
};

// How many requests of one run were retried, by the cause of the failure before the retry (the
// metrics file shows them per job).
class RetryCounts {
 public:
  void add(TransientCause cause) { ++counts_[static_cast<std::size_t>(cause)]; }
  std::uint64_t of(TransientCause cause) const { return counts_[static_cast<std::size_t>(cause)]; }

 private:
  std::array<std::uint64_t, kTransientCauses.size()> counts_{};
};

// Per-call context: which job asks (for logs) and the job's deadline.
struct CallContext {
  std::string job;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::string run_id;
  RetryCounts* retries = nullptr;  // the run's counts, when someone keeps them
};

// The delay before attempt number `attempt` (2 = first retry): a random value in
// [d/2, d] with d = initial * 2^(attempt-2), capped at the maximum.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempt,
                                        std::mt19937_64& rng);

// Runs `attempt(n)` until it returns, retrying on qi::TransientError (each retry counted into
// context.retries by the error's cause). Each attempt must start
// from a clean state (the callers roll their CSV writers back to a mark). Throws qi::FatalError
// when attempts run out, when the server asks for a wait longer than max_server_wait, when the
// next attempt would start after the deadline, or at once, naming the request, when a response
// is refused for its content (qi::RefusedDocument: asking again would get the same refusal).
// The rate governor's pauses arrive here the same way (a TransientError with the wait, see
// RateGovernor::acquire), so one rule covers both.
// Callers pass named objects (not temporaries) for `description` and `attempt`: they are held by
// reference across suspensions, and GCC 12 mishandles temporaries that live across a co_await.
using Attempt = std::function<asio::awaitable<void>(int attempt)>;
asio::awaitable<void> run_with_retries(const CallContext& context, const RetryPolicy& policy,
                                       const std::string& description, const Attempt& attempt);

}  // namespace qi::qualys
