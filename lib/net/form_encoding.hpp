// Encodings for Qualys requests: the v2 API takes its parameters as an
// application/x-www-form-urlencoded POST body (which is also where the login password goes), and
// Basic authentication for the proxy and the API.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qi::net {

// name=value pairs joined with '&': ALPHA / DIGIT / "-._~" kept, space as '+', every other byte
// as upper-case %XX. Exact, so a password with '&', '+', '%' or '=' reaches Qualys unchanged.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

// One query-string component: like form_encode's values but space as %20.
std::string url_encode_component(std::string_view value);

// "Basic " + base64(user ":" password), for Authorization / Proxy-Authorization.
std::string basic_authorization(std::string_view user, std::string_view password);

}  // namespace qi::net
