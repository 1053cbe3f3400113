// Checks of the URLs a config may hold, and redaction of userinfo (a proxy URL may carry a
// password) so that no message built from them leaks a secret.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace qi::config {

// "http://user:pass@proxy:3128" -> "http://***@proxy:3128"; other text unchanged.
std::string redact_userinfo(std::string_view url);

// Reason why `url` is not "https://host[:port][/path]" without userinfo, query or fragment;
// nullopt when it is fine.
std::optional<std::string> https_url_problem(std::string_view url);

// Reason why `url` is not "http://[user:pass@]host:port"; nullopt when it is fine.
std::optional<std::string> proxy_url_problem(std::string_view url);

}  // namespace qi::config
