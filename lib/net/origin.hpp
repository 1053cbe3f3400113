// Turning configured base URLs into Origins, and Origins plus targets into the strings that go on
// the wire (Host, CONNECT) or into error messages (never with the query, which may carry secrets).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/http_client.hpp"

namespace qi::net {

// Parses "https://host[:port][/]" (host may be a name, IPv4 or [IPv6]). Throws
// std::invalid_argument saying what is wrong; the message never repeats userinfo.
Origin parse_origin(std::string_view base_url);

// A URL's port text as a TCP port: 1-65535, digits only (Boost.URL's port_number() wraps
// values past 65535 instead of rejecting them).
std::optional<std::uint16_t> parse_port(std::string_view text);

// "host[:port]" for the Host header: the port only when it is not 443; IPv6 in brackets.
std::string host_header_value(const Origin& origin);

// "host:port" as a CONNECT request target (IPv6 in brackets).
std::string connect_authority(const Origin& origin);

// The path of a request target: everything before '?' or '#'.
std::string_view target_path(std::string_view target);

// "host[:port]/path" for error messages; the query string is dropped.
std::string describe_target(const Origin& origin, std::string_view target);

}  // namespace qi::net
