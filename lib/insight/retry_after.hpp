// Retry-After (RFC 9110 §10.2.3) as Jira and Atlassian's gateway send it with 429 and 503: either
// delay-seconds ("30") or an HTTP date ("Wed, 21 Oct 2026 07:28:00 GMT").
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace qi::insight {

// How long to wait from `now`; nullopt for a value that is neither form. A date in the past
// means no wait (zero).
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

}  // namespace qi::insight
