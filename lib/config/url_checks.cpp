#include "config/url_checks.hpp"

#include <charconv>

namespace qi::config {
namespace {

bool has_space_or_control(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return true;
  }
  return false;
}

// Checks "host[:port]"; returns a reason or nullopt.
std::optional<std::string> authority_problem(std::string_view authority, bool port_required) {
  std::size_t colon = authority.rfind(':');
  std::string_view host = authority.substr(0, colon);
  if (host.empty()) return "the URL has no host";
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '[' || c == ']';
    if (!ok) return "the URL's host contains an invalid character";
  }
  if (colon == std::string_view::npos) {
    if (port_required) return "the URL has no port (e.g. http://proxy.example:3128)";
    return std::nullopt;
  }
  std::string_view port = authority.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value == 0 ||
      value > 65535) {
    return "the URL's port is not a number from 1 to 65535";
  }
  return std::nullopt;
}

}  // namespace

std::string redact_userinfo(std::string_view url) {
  std::size_t scheme = url.find("://");
  std::size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  std::size_t end = url.find_first_of("/?#", start);
  std::string_view authority =
      url.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, start));
  out += "***";
  out += url.substr(start + at);
  return out;
}

std::optional<std::string> https_url_problem(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.substr(0, kScheme.size()) != kScheme) return "must start with https://";
  if (has_space_or_control(url)) return "must not contain spaces or control characters";
  std::string_view rest = url.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return "must not contain a query or fragment";
  }
  std::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.find('@') != std::string_view::npos) {
    return "must not contain a user name or password (credentials go in the credentials file)";
  }
  return authority_problem(authority, false);
}

std::optional<std::string> proxy_url_problem(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return "must start with http:// (HTTPS goes through the proxy with CONNECT)";
  }
  if (has_space_or_control(url)) return "must not contain spaces or control characters";
  std::string_view rest = url.substr(kScheme.size());
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find_first_of("/?#") != std::string_view::npos) {
    return "must be http://[user:password@]host:port with no path";
  }
  std::size_t at = rest.rfind('@');
  std::string_view authority = at == std::string_view::npos ? rest : rest.substr(at + 1);
  return authority_problem(authority, true);
}

}  // namespace qi::config
