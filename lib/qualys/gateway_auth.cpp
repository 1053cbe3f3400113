#include "qualys/gateway_auth.hpp"

#include <openssl/evp.h>
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include "common/error.hpp"
#include "net/form_encoding.hpp"

namespace qi::qualys {

using namespace std::chrono;

namespace {

constexpr auto kDefaultLifetime = hours(4);  // Qualys documents 4 h when the token has no exp

std::optional<std::string> base64url_decode(std::string_view in) {
  std::string text(in);
  for (auto& c : text) {
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
  }
  while (text.size() % 4 != 0) text.push_back('=');
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t padding = 0;
  for (auto it = text.rbegin(); it != text.rend() && *it == '='; ++it) ++padding;
  const auto decoded = static_cast<std::size_t>(n);
  out.resize(decoded - std::min(padding, decoded));
  return out;
}

bool looks_like_jwt(std::string_view token) {
  if (token.empty() || token.size() > 16384) return false;
  int dots = 0;
  for (char c : token) {
    if (c == '.')
      ++dots;
    else if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '=' ||
               c == '+' || c == '/'))
      return false;
  }
  return dots == 2;
}

class TextSink final : public net::ResponseSink {
 public:
  void on_head(const net::HttpResponseHead& head) override { status = head.status; }
  void on_body(std::string_view bytes) override {
    if (body.size() + bytes.size() > 65536) throw FatalError("gateway /auth response too large");
    body.append(bytes);
  }
  unsigned status = 0;
  std::string body;
};

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

}  // namespace

std::optional<std::int64_t> jwt_expiry(std::string_view token) {
  const auto first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return std::nullopt;
  const auto second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos) return std::nullopt;
  auto payload = base64url_decode(token.substr(first_dot + 1, second_dot - first_dot - 1));
  if (!payload) return std::nullopt;
  rapidjson::Document doc;
  doc.Parse(payload->c_str(), payload->size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  auto exp = doc.FindMember("exp");
  if (exp == doc.MemberEnd() || !exp->value.IsNumber()) return std::nullopt;
  return exp->value.IsInt64() ? exp->value.GetInt64()
                              : static_cast<std::int64_t>(exp->value.GetDouble());
}

GatewayAuth::GatewayAuth(net::HttpClient& http, net::Origin gateway,
                         config::Credentials credentials)
    : http_(http), gateway_(std::move(gateway)), credentials_(std::move(credentials)) {}

bool GatewayAuth::usable(system_clock::time_point now) const {
  if (token_.empty()) return false;
  // Renew when less than a tenth of the lifetime remains (docs/design.md "Behaviour").
  return now + (expires_ - issued_) / 10 < expires_;
}

void GatewayAuth::invalidate(const std::string& token) {
  if (token == token_) token_.clear();
}

asio::awaitable<std::string> GatewayAuth::token() {
  for (;;) {
    if (rejected_) throw FatalError(*rejected_);
    if (usable(system_clock::now())) co_return token_;
    if (!login_in_flight_) {
      login_in_flight_ = true;
      struct Done {
        GatewayAuth& self;
        ~Done() {
          self.login_in_flight_ = false;
          self.login_done_.notify_all();
        }
      } done{*this};
      co_await login();
      // Hand out what we just got even if it is already near its end (clock skew, a very short
      // lifetime): re-checking here could log in again and again.
      co_return token_;
    }
    co_await login_done_.wait();
    if (!usable(system_clock::now()) && !rejected_ && !login_in_flight_) {
      // The login we waited for failed transiently: report that to our caller's retry loop
      // rather than starting a second login at once.
      throw TransientError("gateway login by another caller failed");
    }
  }
}

asio::awaitable<void> GatewayAuth::login() {
  net::HttpRequest request;
  request.method = net::http::verb::post;
  request.origin = gateway_;
  request.target = "/auth";
  request.content_type = "application/x-www-form-urlencoded";
  request.body = net::form_encode({{"username", credentials_.username},
                                   {"password", credentials_.password},
                                   {"token", "true"}});
  TextSink sink;
  spdlog::debug("gateway: logging in to {} as {}", gateway_.host, credentials_.username);
  co_await http_.send(request, sink);
  if (sink.status == 401 || sink.status == 403) {
    rejected_ = "gateway " + gateway_.host + " rejected the login of user '" +
                credentials_.username + "' (HTTP " + std::to_string(sink.status) +
                "); not retrying, because repeated failures lock Qualys accounts. Fix the "
                "credentials file and reload (SIGHUP).";
    throw FatalError(*rejected_, std::to_string(sink.status));
  }
  if (sink.status == 429 || sink.status >= 500) {
    throw TransientError("gateway /auth answered HTTP " + std::to_string(sink.status));
  }
  if (sink.status != 201 && sink.status != 200) {
    throw FatalError("gateway /auth answered HTTP " + std::to_string(sink.status) +
                     " (expected 201 with a token)");
  }
  auto token = trim(sink.body);
  if (!looks_like_jwt(token)) {
    // Never log the body: it might be anything, including an echo of the form.
    throw FatalError("gateway /auth answered HTTP " + std::to_string(sink.status) +
                     " but the body (" + std::to_string(sink.body.size()) +
                     " bytes) is not a token");
  }
  const auto now = system_clock::now();
  issued_ = now;
  expires_ = now + kDefaultLifetime;
  if (auto exp = jwt_expiry(token)) {
    expires_ = system_clock::time_point(seconds(*exp));
    if (expires_ <= now) {
      spdlog::warn(
          "gateway: the new token's exp claim is already past; is this machine's clock "
          "right? Renewing it before every call until it is.");
    }
  }
  token_ = std::move(token);
  spdlog::info("gateway: logged in to {} as {}; token valid for {} s", gateway_.host,
               credentials_.username,
               std::max<long long>(0, duration_cast<seconds>(expires_ - now).count()));
}

}  // namespace qi::qualys
