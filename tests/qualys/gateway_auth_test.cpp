#include "qualys/gateway_auth.hpp"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <vector>

#include "async/wait_queue.hpp"
#include "common/error.hpp"

namespace qi::qualys {
namespace {

namespace asio = boost::asio;

// header {"alg":"HS256"} . payload {"sub":"u"} . signature: a token without exp (4 h lifetime).
constexpr std::string_view kToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln";

// A gateway whose /auth answers only when the test says so, with the status it was given.
class HeldGateway final : public net::HttpClient {
 public:
  asio::awaitable<void> send(const net::HttpRequest&, net::ResponseSink& sink) override {
    ++requests;
    while (!answer) co_await answer_now_.wait();
    sink.on_head(net::HttpResponseHead{.status = *answer, .headers = {}});
    if (*answer == 201) sink.on_body(kToken);
  }
  void respond(unsigned status) {
    answer = status;
    answer_now_.notify_all();
  }
  int requests = 0;
  std::optional<unsigned> answer;

 private:
  async::WaitQueue answer_now_;
};

// How one token() call ended.
struct TokenCall {
  bool finished = false;
  std::string token;
  std::exception_ptr error;
};

void call_token(asio::io_context& io, GatewayAuth& auth, TokenCall& call,
                asio::cancellation_slot slot = {}) {
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { call.token = co_await auth.token(); },
      asio::bind_cancellation_slot(slot, [&](std::exception_ptr error) {
        call.finished = true;
        call.error = error;
      }));
}

bool aborted(const TokenCall& call) {
  try {
    if (call.error) std::rethrow_exception(call.error);
  } catch (const boost::system::system_error& error) {
    return error.code() == asio::error::operation_aborted;
  } catch (...) {
  }
  return false;
}

TEST(GatewayAuth, CallersArrivingDuringALoginShareItsToken) {
  asio::io_context io;
  HeldGateway gateway;
  GatewayAuth auth(gateway, net::Origin{.host = "gateway.test"}, {"user", "secret", ""});
  std::vector<TokenCall> calls(3);
  for (auto& call : calls) call_token(io, auth, call);
  io.poll();
  gateway.respond(201);
  io.run();
  EXPECT_EQ(gateway.requests, 1);
  for (const auto& call : calls) {
    EXPECT_FALSE(call.error);
    EXPECT_EQ(call.token, kToken);
  }
}

TEST(GatewayAuth, ACallerCancelledWhileWaitingForTheLoginStopsWithoutHoldingUpTheOthers) {
  asio::io_context io;
  HeldGateway gateway;
  GatewayAuth auth(gateway, net::Origin{.host = "gateway.test"}, {"user", "secret", ""});
  asio::cancellation_signal cancel;
  TokenCall login, cancelled, waiting;
  call_token(io, auth, login);
  call_token(io, auth, cancelled, cancel.slot());
  call_token(io, auth, waiting);
  io.poll();
  cancel.emit(asio::cancellation_type::terminal);
  io.poll();
  EXPECT_TRUE(aborted(cancelled));
  EXPECT_FALSE(waiting.finished);
  gateway.respond(201);
  io.run();
  EXPECT_EQ(login.token, kToken);
  EXPECT_EQ(waiting.token, kToken);
  EXPECT_EQ(gateway.requests, 1);
}

TEST(GatewayAuth, CallersWaitingForALoginThatFailsTransientlyAreToldSoWithoutASecondLogin) {
  asio::io_context io;
  HeldGateway gateway;
  GatewayAuth auth(gateway, net::Origin{.host = "gateway.test"}, {"user", "secret", ""});
  TokenCall login, waiting;
  call_token(io, auth, login);
  call_token(io, auth, waiting);
  io.poll();
  gateway.respond(503);
  io.run();
  EXPECT_EQ(gateway.requests, 1);
  EXPECT_THROW(std::rethrow_exception(login.error), TransientError);
  EXPECT_THROW(std::rethrow_exception(waiting.error), TransientError);
}

TEST(JwtExpiry, ReadsTheExpClaimOfTheTokenPayload) {
  // header {"alg":"HS256"} . payload {"sub":"u","exp":1900000000} . signature
  const std::string token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1IiwiZXhwIjoxOTAwMDAwMDAwfQ.c2ln";
  EXPECT_EQ(jwt_expiry(token), 1900000000);
}

TEST(JwtExpiry, IsEmptyForATokenWithoutExp) {
  EXPECT_EQ(jwt_expiry("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln"), std::nullopt);
}

TEST(JwtExpiry, IsEmptyForSomethingThatIsNotAToken) {
  EXPECT_EQ(jwt_expiry("not a token"), std::nullopt);
  EXPECT_EQ(jwt_expiry("a.b"), std::nullopt);
  EXPECT_EQ(jwt_expiry("a.%%%.c"), std::nullopt);
}

}  // namespace
}  // namespace qi::qualys
