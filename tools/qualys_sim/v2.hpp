// API v2 endpoint bodies (after authentication, X-Requested-With and limit checks in
// v2_handlers.cpp). Each validates its parameters like Qualys (1901 unknown, 1903 missing,
// 1905 invalid) and streams its XML.
#pragma once

#include <initializer_list>

#include "qualys_sim/core.hpp"

namespace qi::sim {

asio::awaitable<void> handle_kb(Exchange& ex, ResponseWriter& writer, const Headers& headers);
asio::awaitable<void> handle_detection(Exchange& ex, ResponseWriter& writer,
                                       const Headers& headers);
asio::awaitable<void> handle_hostlist(Exchange& ex, ResponseWriter& writer, const Headers& headers);

// Sends 400 + SIMPLE_RETURN(code, text).
asio::awaitable<void> send_v2_error(Exchange& ex, ResponseWriter& writer, const Headers& headers,
                                    std::string_view code, std::string_view text);
// Checks action=list and that every parameter is in `allowed`; answers the error itself and
// returns false when the request is invalid.
asio::awaitable<bool> check_params(Exchange& ex, ResponseWriter& writer, const Headers& headers,
                                   const std::vector<std::string_view>& allowed);
// Reads an optional integer parameter within [lo, hi]; nullopt on absence; sets `bad` when
// malformed.
std::optional<std::int64_t> int_param(const Params& params, std::string_view name, std::int64_t lo,
                                      std::int64_t hi, std::string& bad);
// Reads an optional date parameter, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC), as seconds since
// the epoch; nullopt on absence; sets `bad` when malformed (Qualys answers 1905).
std::optional<std::int64_t> date_param(const Params& params, std::string_view name,
                                       std::string& bad);
// The next-page URL of a truncation WARNING: https://<Host header><path>?<the request's params
// as received, minus id_min>&<extras the caller never sent>&id_min=<next>.
std::string warning_url(const Exchange& ex, std::string_view host_override,
                        std::initializer_list<std::pair<std::string_view, std::string_view>> extras,
                        std::int64_t next_id_min);

}  // namespace qi::sim
