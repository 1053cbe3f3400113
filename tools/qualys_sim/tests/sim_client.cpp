#include "qualys_sim/tests/sim_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <memory>

#include "qualys_sim/sim_util.hpp"

namespace qi::sim::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

using Stream = beast::ssl_stream<beast::tcp_stream>;

struct Job {
  std::shared_ptr<Stream> stream;
  std::vector<ClientResponse> responses;
  bool done = false;
};

asio::awaitable<void> run_job(Job& job, std::uint16_t port, std::vector<ClientRequest> requests,
                              std::uint64_t body_cap) {
  const auto started = std::chrono::steady_clock::now();
  auto& socket = beast::get_lowest_layer(*job.stream);
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  auto [ec] = co_await socket.async_connect(endpoint, asio::as_tuple(asio::use_awaitable));
  if (!ec) {
    // SSL_set_tlsext_host_name is a macro around this call with a C-style cast.
    SSL_ctrl(job.stream->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>("localhost"));
    job.stream->set_verify_callback(asio::ssl::host_name_verification("localhost"));
    std::tie(ec) = co_await job.stream->async_handshake(asio::ssl::stream_base::client,
                                                        asio::as_tuple(asio::use_awaitable));
  }
  beast::flat_buffer buffer;
  for (const auto& request : requests) {
    ClientResponse response;
    if (ec) {
      response.error = ec;
      job.responses.push_back(std::move(response));
      continue;
    }
    http::request<http::string_body> message(request.method, request.target, 11);
    message.set(http::field::host,
                request.host.empty() ? "localhost:" + std::to_string(port) : request.host);
    for (const auto& [name, value] : request.headers) message.set(name, value);
    if (!request.body.empty() || request.method == http::verb::post) {
      message.set(http::field::content_type, request.content_type);
      message.body() = request.body;
      message.prepare_payload();
    }
    std::tie(ec, std::ignore) =
        co_await http::async_write(*job.stream, message, asio::as_tuple(asio::use_awaitable));
    http::response_parser<http::string_body> parser;
    parser.body_limit(body_cap);
    if (!ec) {
      std::tie(ec, std::ignore) = co_await http::async_read(*job.stream, buffer, parser,
                                                            asio::as_tuple(asio::use_awaitable));
    }
    response.error = ec;
    response.complete = !ec && parser.is_done();
    if (parser.is_header_done()) {
      const auto& head = parser.get();
      response.status = head.result_int();
      for (const auto& field : head) {
        response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
      response.body = parser.get().body();
    }
    response.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    job.responses.push_back(std::move(response));
  }
}

std::vector<std::vector<ClientResponse>> run_all(asio::io_context& io, std::uint16_t port,
                                                 const std::string& ca_pem,
                                                 std::vector<std::vector<ClientRequest>> batches,
                                                 std::chrono::milliseconds timeout,
                                                 std::uint64_t body_cap) {
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.add_certificate_authority(asio::buffer(ca_pem));
  tls.set_verify_mode(asio::ssl::verify_peer);
  std::vector<std::unique_ptr<Job>> jobs;
  for (auto& batch : batches) {
    auto job = std::make_unique<Job>();
    job->stream = std::make_shared<Stream>(io.get_executor(), tls);
    asio::co_spawn(io, run_job(*job, port, std::move(batch), body_cap),
                   [raw = job.get()](std::exception_ptr) { raw->done = true; });
    jobs.push_back(std::move(job));
  }
  auto all_done = [&] {
    for (const auto& job : jobs) {
      if (!job->done) return false;
    }
    return true;
  };
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  io.restart();
  while (!all_done() && std::chrono::steady_clock::now() < deadline) {
    io.run_one_until(deadline);
  }
  std::vector<bool> cut(jobs.size(), false);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (!jobs[i]->done) {
      cut[i] = true;
      boost::system::error_code ignored;
      beast::get_lowest_layer(*jobs[i]->stream).socket().close(ignored);
    }
  }
  while (!all_done()) io.run_one_for(std::chrono::seconds(5));
  std::vector<std::vector<ClientResponse>> out;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (cut[i]) {
      for (auto& r : jobs[i]->responses) r.timed_out = !r.complete;
      if (!jobs[i]->responses.empty()) jobs[i]->responses.back().timed_out = true;
    }
    out.push_back(std::move(jobs[i]->responses));
  }
  return out;
}

}  // namespace

std::string ClientResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequal(key, name)) return value;
  }
  return {};
}

bool ClientResponse::has_header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequal(key, name)) return true;
  }
  return false;
}

SimClient::SimClient(asio::io_context& io, std::uint16_t port, std::string ca_pem)
    : io_(io), port_(port), ca_pem_(std::move(ca_pem)) {}

std::vector<ClientResponse> SimClient::parallel(const std::vector<ClientRequest>& requests,
                                                std::chrono::milliseconds timeout) {
  std::vector<std::vector<ClientRequest>> batches;
  for (const auto& r : requests) batches.push_back({r});
  std::vector<ClientResponse> out;
  for (auto& responses : run_all(io_, port_, ca_pem_, std::move(batches), timeout, body_cap)) {
    out.push_back(responses.empty() ? ClientResponse{} : std::move(responses.front()));
  }
  return out;
}

std::vector<ClientResponse> SimClient::sequence(const std::vector<ClientRequest>& requests,
                                                std::chrono::milliseconds timeout) {
  return run_all(io_, port_, ca_pem_, {requests}, timeout, body_cap).front();
}

ClientResponse SimClient::send(const ClientRequest& request, std::chrono::milliseconds timeout) {
  auto responses = sequence({request}, timeout);
  if (responses.empty()) {
    ClientResponse r;
    r.timed_out = true;
    return r;
  }
  return std::move(responses.front());
}

std::string SimClient::login(const std::string& username, const std::string& password) {
  ClientRequest request;
  request.target = "/auth";
  request.body =
      "username=" + url_encode(username) + "&password=" + url_encode(password) + "&token=true";
  const auto response = send(request);
  return response.status == 201 ? response.body : std::string{};
}

ClientResponse SimClient::gateway(const std::string& target, const std::string& token,
                                  std::chrono::milliseconds timeout) {
  ClientRequest request;
  request.target = target;
  request.content_type = "application/json";
  request.headers = {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
  return send(request, timeout);
}

ClientResponse SimClient::v2(const std::string& path, const std::string& form_body,
                             std::chrono::milliseconds timeout) {
  ClientRequest request;
  request.target = path;
  request.body = form_body;
  request.headers = {{"Authorization", basic_auth("sim-user", "sim-password")},
                     {"X-Requested-With", "qi-tests"}};
  return send(request, timeout);
}

std::string SimClient::basic_auth(const std::string& username, const std::string& password) {
  return "Basic " + base64_encode(username + ":" + password, false);
}

bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra;
    if (c < 0x80)
      extra = 0;
    else if ((c >> 5) == 6 && c >= 0xc2)
      extra = 1;
    else if ((c >> 4) == 14)
      extra = 2;
    else if ((c >> 3) == 30 && c <= 0xf4)
      extra = 3;
    else
      return false;
    if (i + extra >= text.size() && extra > 0) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 2) return false;
    }
    i += extra + 1;
  }
  return true;
}

}  // namespace qi::sim::testing
