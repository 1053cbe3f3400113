#include "connect_proxy.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>

namespace qi::net::testing {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

asio::awaitable<void> pump(tcp::socket& from, tcp::socket& to) {
  std::array<char, 16 * 1024> data{};
  for (;;) {
    auto [ec, n] = co_await from.async_read_some(asio::buffer(data), use_tuple);
    if (ec) co_return;
    auto [wec, wn] = co_await asio::async_write(to, asio::buffer(data.data(), n), use_tuple);
    if (wec) co_return;
  }
}

asio::awaitable<void> handle(tcp::socket client, std::string expected_authorization,
                             unsigned refuse_status, std::shared_ptr<ConnectProxy::Record> record) {
  beast::flat_buffer buffer;
  http::request_parser<http::empty_body> parser;
  if (auto [ec, n] = co_await http::async_read(client, buffer, parser, use_tuple); ec) co_return;
  const auto& request = parser.get();
  ++record->connects;
  record->target = std::string(request.target());
  record->authorization = std::string(request[http::field::proxy_authorization]);

  unsigned status = refuse_status;
  if (status == 0 && record->authorization != expected_authorization) status = 407;
  if (status != 0 || request.method() != http::verb::connect) {
    const std::string answer = "HTTP/1.1 " + std::to_string(status == 0 ? 405 : status) +
                               " Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    co_await asio::async_write(client, asio::buffer(answer), use_tuple);
    co_return;
  }

  const std::string target = record->target;
  const auto colon = target.rfind(':');
  tcp::socket upstream(client.get_executor());
  tcp::endpoint endpoint(asio::ip::make_address(target.substr(0, colon)),
                         static_cast<std::uint16_t>(std::stoi(target.substr(colon + 1))));
  if (auto [ec] = co_await upstream.async_connect(endpoint, use_tuple); ec) co_return;
  const std::string established = "HTTP/1.1 200 Connection established\r\n\r\n";
  if (auto [ec, n] = co_await asio::async_write(client, asio::buffer(established), use_tuple); ec) {
    co_return;
  }
  if (buffer.size() != 0) {
    co_await asio::async_write(upstream, buffer.data(), use_tuple);
  }
  co_await (pump(client, upstream) || pump(upstream, client));
}

asio::awaitable<void> accept_loop(std::shared_ptr<tcp::acceptor> acceptor,
                                  std::string expected_authorization, unsigned refuse_status,
                                  std::shared_ptr<ConnectProxy::Record> record) {
  for (;;) {
    auto [ec, socket] = co_await acceptor->async_accept(use_tuple);
    if (ec) co_return;
    asio::co_spawn(acceptor->get_executor(),
                   handle(std::move(socket), expected_authorization, refuse_status, record),
                   asio::detached);
  }
}

}  // namespace

ConnectProxy::ConnectProxy(boost::asio::io_context& io, std::string expected_authorization,
                           unsigned refuse_status)
    : acceptor_(std::make_shared<tcp::acceptor>(
          io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0))) {
  port_ = acceptor_->local_endpoint().port();
  asio::co_spawn(io,
                 accept_loop(acceptor_, std::move(expected_authorization), refuse_status, record_),
                 asio::detached);
}

ConnectProxy::~ConnectProxy() {
  boost::system::error_code ignored;
  acceptor_->close(ignored);
}

}  // namespace qi::net::testing
