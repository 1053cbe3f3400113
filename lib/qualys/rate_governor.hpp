// One RateGovernor per Qualys subscription, shared by every job in the process (DESIGN.md: "all
// jobs share one budget"). It keeps concurrent calls within our ceiling and the server's
// X-Concurrency-Limit-Limit, and pauses everybody when the server says to wait (409 1965, 429,
// X-RateLimit-ToWait-Sec) or when X-RateLimit-Remaining runs low.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <list>
#include <memory>

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

  // max_concurrency: our own ceiling (config qualys.max_concurrency); reserve: when
  // X-RateLimit-Remaining drops to this, calls are spread over the rest of the window.
  RateGovernor(asio::any_io_executor executor, int max_concurrency, int reserve);

  // Waits until a slot is free and no pause is in force. Honours cancellation.
  asio::awaitable<Permit> acquire();

  // Learns from every response: X-Concurrency-Limit-Limit lowers the ceiling, the rate headers
  // may impose a pause.
  void observe(const net::HttpResponseHead& head);

  // Nobody starts a call before now + wait (server said so).
  void pause_for(std::chrono::milliseconds wait);

  int concurrency_limit() const;
  int in_use() const { return in_use_; }
  Clock::time_point paused_until() const { return paused_until_; }

 private:
  void release_slot();
  void wake_one();

  asio::any_io_executor executor_;
  int max_concurrency_;
  int server_limit_ = 0;  // 0 = unknown
  int reserve_;
  int in_use_ = 0;
  Clock::time_point paused_until_{};
  std::list<std::shared_ptr<asio::steady_timer>> waiters_;
};

}  // namespace qi::qualys
