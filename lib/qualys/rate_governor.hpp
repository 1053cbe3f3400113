// One RateGovernor per Qualys subscription, shared by every job in the process (docs/design.md
// "Behaviour": "all jobs share one budget"). It keeps concurrent calls within our ceiling and the
// server's X-Concurrency-Limit-Limit, and pauses everybody when the server says to wait (409 1965,
// 429, X-RateLimit-ToWait-Sec) or when X-RateLimit-Remaining runs low. Every pause is logged once,
// with its reason and length, and is visible while it lasts (waiting(): the runner's progress line
// and systemd STATUS). A pause never stalls a job silently: a caller whose deadline falls inside
// it, or who would wait longer than the cap, gets a TransientError carrying the wait, and
// run_with_retries fails the job at once with the same rule it applies to a server-requested wait.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <string>
#include <utility>

#include "async/wait_queue.hpp"
#include "net/http_client.hpp"

namespace qi::qualys {

namespace asio = boost::asio;

class RateGovernor {
 public:
  using Clock = std::chrono::steady_clock;

  // A concurrency slot; released when destroyed.
  class Permit {
   public:
    Permit() = default;
    explicit Permit(RateGovernor* owner) : owner_(owner) {}
    Permit(Permit&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    Permit& operator=(Permit&& other) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit() { release(); }
    void release();

   private:
    RateGovernor* owner_ = nullptr;
  };

  // What holds every call back, and until when.
  struct Pause {
    Clock::time_point until{};
    std::string reason;  // e.g. "Qualys rate limit, 3 calls left in the 3600 s window"
  };

  // max_concurrency: our own ceiling (config qualys.max_concurrency); reserve: when
  // X-RateLimit-Remaining drops to this, calls are spread over the rest of the window;
  // max_pause (qualys.retry.max_server_wait): the longest pause of our own choosing, and the
  // longest pause of any kind a caller waits through.
  RateGovernor(asio::any_io_executor executor, int max_concurrency, int reserve,
               std::chrono::milliseconds max_pause);

  // Waits until a slot is free and no pause is in force. Honours cancellation. Throws
  // qi::TransientError with the pause's remaining time as wait hint, without waiting, when the
  // pause lasts past `deadline` or longer than max_pause: run_with_retries then fails the job
  // at once instead of letting it sleep into its timeout.
  asio::awaitable<Permit> acquire(Clock::time_point deadline = Clock::time_point::max());

  // Learns from every response: X-Concurrency-Limit-Limit lowers the ceiling, the rate headers
  // may impose a pause.
  void observe(const net::HttpResponseHead& head);

  // Nobody starts a call before now + wait; `reason` says why (the server said so).
  void pause_for(std::chrono::milliseconds wait, std::string reason);

  int concurrency_limit() const;
  int in_use() const { return in_use_; }
  Clock::time_point paused_until() const { return pause_.until; }
  const Pause& pause() const { return pause_; }

  // "waiting 42 s: Qualys rate limit, 3 calls left in the 3600 s window" while a pause is in
  // force at `now`; empty otherwise.
  std::string waiting(Clock::time_point now = Clock::now()) const;

  // How long calls have been paused, in total, from this governor's start up to `now`: the
  // runner subtracts two readings to tell how much of a run's time went to pauses.
  Clock::duration paused_total(Clock::time_point now = Clock::now()) const;

 private:
  void release_slot();
  // Extends the pause to now + wait; logs it (reason, length, `detail`) unless it only
  // lengthens the pause in force by less than a second.
  void start_pause(std::chrono::milliseconds wait, std::string reason, std::string_view detail);

  asio::any_io_executor executor_;
  int max_concurrency_;
  int server_limit_ = 0;  // 0 = unknown
  int reserve_;
  std::chrono::milliseconds max_pause_;
  int in_use_ = 0;
  Pause pause_;
  Clock::duration paused_total_{};  // includes the part of the current pause still ahead
  async::WaitQueue slot_freed_;     // callers waiting for a concurrency slot
};

}  // namespace qi::qualys
