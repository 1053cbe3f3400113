#include "net/origin.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace qi::net {

namespace {

std::string bracketed(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Origin parse_origin(std::string_view base_url) {
  auto parsed = boost::urls::parse_uri(base_url);
  if (!parsed) {
    throw std::invalid_argument("base URL is not a valid absolute URL: " +
                                parsed.error().message());
  }
  const boost::urls::url_view& url = *parsed;
  if (url.scheme_id() != boost::urls::scheme::https) {
    throw std::invalid_argument("base URL must use https, not \"" + std::string(url.scheme()) +
                                "\"");
  }
  if (url.has_userinfo()) {
    throw std::invalid_argument("base URL must not contain a user name or password");
  }
  if (url.has_query() || url.has_fragment()) {
    throw std::invalid_argument("base URL must not have a query or fragment");
  }
  if (!url.encoded_path().empty() && url.encoded_path() != "/") {
    throw std::invalid_argument("base URL must not have a path (got \"" +
                                std::string(url.encoded_path()) + "\")");
  }
  Origin origin;
  origin.host = lower(url.host_address());
  if (origin.host.empty()) throw std::invalid_argument("base URL has no host");
  if (url.has_port()) {
    auto port = parse_port(url.port());
    if (!port) {
      throw std::invalid_argument("base URL has an invalid port \"" + std::string(url.port()) +
                                  "\"");
    }
    origin.port = *port;
  }
  return origin;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value == 0 || value > 65535) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(value);
}

std::string host_header_value(const Origin& origin) {
  std::string value = bracketed(origin.host);
  if (origin.port != 443) value += ":" + std::to_string(origin.port);
  return value;
}

std::string connect_authority(const Origin& origin) {
  return bracketed(origin.host) + ":" + std::to_string(origin.port);
}

std::string_view target_path(std::string_view target) {
  return target.substr(0, target.find_first_of("?#"));
}

std::string describe_target(const Origin& origin, std::string_view target) {
  return host_header_value(origin) + std::string(target_path(target));
}

}  // namespace qi::net
