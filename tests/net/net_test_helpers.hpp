// Shared pieces of the net tests: running a coroutine on the test's io_context with a deadline,
// a sink that records what it receives, and a fixture with a fresh test CA.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "net/http_client.hpp"
#include "pki/test_pki.hpp"
#include "support/temp_dir.hpp"

namespace qi::net::testing {

// Runs aw to completion on io (other coroutines on io keep running meanwhile); rethrows what it
// threw. Throws std::runtime_error when it has not finished within limit.
void run(asio::io_context& io, asio::awaitable<void> aw,
         std::chrono::milliseconds limit = std::chrono::seconds(20));

// The message of the exception of type E that fn throws; fails the test when it throws nothing
// or something else.
template <typename E>
std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw a different exception: " << e.what();
    return {};
  }
  ADD_FAILURE() << "threw nothing";
  return {};
}

class RecordingSink : public ResponseSink {
 public:
  void on_head(const HttpResponseHead& head) override {
    head_ = head;
    ++heads_;
  }
  void on_body(std::string_view bytes) override {
    body_.append(bytes);
    pieces_.push_back(bytes.size());
  }

  const HttpResponseHead& head() const { return head_; }
  int heads() const { return heads_; }
  const std::string& body() const { return body_; }
  const std::vector<std::size_t>& pieces() const { return pieces_; }

 private:
  HttpResponseHead head_;
  int heads_ = 0;
  std::string body_;
  std::vector<std::size_t> pieces_;
};

class NetTest : public ::testing::Test {
 protected:
  NetTest();

  // Options trusting the test CA, with short timeouts so failures stay fast.
  HttpClientOptions options() const;
  HttpRequest get(const Origin& origin, const std::string& target = "/api/2.0/fo/") const;

  asio::io_context io_;
  qi::testing::TempDir dir_;
  qi::testing::TestPki pki_;
  qi::testing::KeyPair leaf_;  // for 127.0.0.1 and localhost
};

}  // namespace qi::net::testing
