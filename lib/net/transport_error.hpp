// The one place where I/O error codes become the project's exceptions (lib/common/error.hpp), so
// every network failure message has the same shape: what step, which host and path. Callers pass
// `where` from describe_target(), which has no query string; headers and bodies never get here.
#pragma once

#include <boost/system/error_code.hpp>
#include <string_view>

namespace qi::net {

// Throws: boost::system::system_error(operation_aborted) when the awaiting coroutine was
// cancelled (so a cancelled job is not mistaken for a retryable failure); TransientError
// "timed out <step> <where>" for a deadline; TransientError "<step> <where> failed: <reason>"
// for everything else (refused, reset, closed early, malformed response).
[[noreturn]] void throw_transport_error(const boost::system::error_code& ec, std::string_view step,
                                        std::string_view where);

// True for the errors a keep-alive connection closed by the server while idle produces on the
// next request: end of stream, reset, broken pipe, TLS stream truncated.
bool is_closed_connection_error(const boost::system::error_code& ec);

}  // namespace qi::net
