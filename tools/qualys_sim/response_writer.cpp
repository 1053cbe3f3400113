// Raw HTTP/1.1 response framing on the TLS stream. Written by hand rather than with Beast's
// serializer because the faults need byte-level control: reset after K body bytes, a clean
// terminating chunk in the middle of a document, one byte per chunk for the slow drip.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/status.hpp>
#include <cstdio>

#include "qualys_sim/core.hpp"

namespace qi::sim {

namespace {
constexpr std::size_t kChunkSize = 16 * 1024;
constexpr auto kWriteTimeout = std::chrono::seconds(120);
}  // namespace

ResponseWriter::ResponseWriter(Stream& stream, Latency latency, BodyFaults faults,
                               std::atomic<std::uint64_t>& bytes_counter)
    : stream_(stream), latency_(latency), faults_(faults), bytes_counter_(bytes_counter) {}

asio::awaitable<void> ResponseWriter::sleep_for(std::chrono::milliseconds delay) {
  if (delay.count() <= 0) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(delay);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

void ResponseWriter::abort_connection() {
  auto& socket = beast::get_lowest_layer(stream_).socket();
  boost::system::error_code ec;
  socket.set_option(asio::socket_base::linger(true, 0), ec);  // RST, not FIN
  socket.close(ec);
}

asio::awaitable<void> ResponseWriter::raw_write(std::string_view data) {
  beast::get_lowest_layer(stream_).expires_after(kWriteTimeout);
  co_await asio::async_write(stream_, asio::buffer(data.data(), data.size()), asio::use_awaitable);
  wire_sent_ += data.size();
  if (latency_.bandwidth > 0) {
    // Keep the average rate at `bandwidth` bytes per second since the head went out.
    const auto due =
        started_ + std::chrono::microseconds(wire_sent_ * 1000000 / latency_.bandwidth);
    const auto now = std::chrono::steady_clock::now();
    if (due > now) {
      co_await sleep_for(std::chrono::duration_cast<std::chrono::milliseconds>(due - now));
    }
  }
}

asio::awaitable<void> ResponseWriter::write_head(unsigned status, const Headers& headers,
                                                 const std::string& framing) {
  co_await sleep_for(latency_.time_to_first_byte);
  if (faults_.reset_after && *faults_.reset_after == 0) {
    abort_connection();
    throw ConnectionDropped{};
  }
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " +
                     std::string(http::obsolete_reason(static_cast<http::status>(status))) + "\r\n";
  for (const auto& [name, value] : headers) {
    const bool connection = name == "Connection" || name == "Keep-Alive";
    if (connection && !keep_alive_) continue;
    head += name + ": " + value + "\r\n";
  }
  if (!keep_alive_) head += "Connection: close\r\n";
  head += framing;
  head += "\r\n";
  started_ = std::chrono::steady_clock::now();
  co_await raw_write(head);
}

asio::awaitable<void> ResponseWriter::start_chunked(unsigned status, const Headers& headers) {
  co_await write_head(status, headers, "Transfer-Encoding: chunked\r\n");
}

asio::awaitable<void> ResponseWriter::emit_chunk(std::string_view data) {
  if (data.empty()) co_return;
  std::uint64_t limit = UINT64_MAX;
  if (faults_.reset_after) limit = *faults_.reset_after;
  if (faults_.truncate_after) limit = std::min(limit, *faults_.truncate_after);
  const bool cut = body_sent_ + data.size() >= limit;
  if (cut) data = data.substr(0, static_cast<std::size_t>(limit - body_sent_));

  if (faults_.drip) {
    for (const char c : data) {
      co_await raw_write(std::string("1\r\n") + c + "\r\n");
      ++body_sent_;
      ++bytes_counter_;
      co_await sleep_for(*faults_.drip);
    }
  } else if (!data.empty()) {
    char size[24];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    std::string chunk = size;
    chunk.append(data);
    chunk += "\r\n";
    co_await raw_write(chunk);
    body_sent_ += data.size();
    bytes_counter_ += data.size();
  }
  if (!cut) co_return;
  if (faults_.reset_after && body_sent_ >= *faults_.reset_after) {
    abort_connection();
    throw ConnectionDropped{};
  }
  co_await raw_write("0\r\n\r\n");  // a clean end of the body, the document unfinished
  throw BodyCut{};
}

asio::awaitable<void> ResponseWriter::write(std::string_view data) {
  pending_.append(data);
  if (pending_.size() >= kChunkSize) {
    std::string out;
    out.swap(pending_);
    co_await emit_chunk(out);
  }
}

asio::awaitable<void> ResponseWriter::finish() {
  std::string out;
  out.swap(pending_);
  co_await emit_chunk(out);
  co_await raw_write("0\r\n\r\n");
}

asio::awaitable<void> ResponseWriter::send(unsigned status, const Headers& headers,
                                           std::string_view body) {
  if (faults_.any()) {
    co_await start_chunked(status, headers);
    co_await write(body);
    co_await finish();
    co_return;
  }
  // 204 carries no body and no Content-Length (RFC 9110 §8.6).
  std::string framing;
  if (status != 204) framing = "Content-Length: " + std::to_string(body.size()) + "\r\n";
  co_await write_head(status, headers, framing);
  if (!body.empty()) co_await raw_write(body);
  body_sent_ += body.size();
  bytes_counter_ += body.size();
}

}  // namespace qi::sim
