// Fault injection for integration tests (the fault matrix): which request misbehaves, and how.
// Set in-process with Simulator::add_fault, or as text specs (--fault, POST /__sim/faults):
//
//   ENDPOINT:KIND[:ARG][,nth=N][,times=T|forever]
//
// e.g. "detection:status:503", "kb:reset-mid-body:4096,nth=2", "search:429:3,times=forever".
// nth counts requests to ENDPOINT made after the rule was added (1 = the next one); times is how
// many consecutive requests it hits (default 1). docs/simulator.md lists every kind.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qi::sim {

enum class Endpoint { auth, search, count, kb, detection, hostlist, any };

enum class FaultKind {
  http_status,               // ARG status (500, 502, 503, ...) with a body
  concurrency_409,           // 409 + SIMPLE_RETURN 1960, X-Concurrency headers, no ToWait
  rate_limit_409,            // 409 + SIMPLE_RETURN 1965 + X-RateLimit-ToWait-Sec ARG (default 2)
  rate_limit_409_no_header,  // the same without the ToWait header (SECONDS_TO_WAIT item only)
  low_remaining,             // a normal API v2 answer saying X-RateLimit-Remaining ARG (default 3)
  too_many_429,              // 429 with Retry-After ARG (default 2)
  too_many_429_bare,         // 429 without Retry-After
  unauthorized_401,          // 401; on the gateway the request's token is revoked
  expire_all_tokens,         // every gateway token issued so far is revoked, then 401
  reset_before_headers,      // read the request, then RST
  reset_mid_body,            // RST after ARG body bytes
  truncate,                  // end the chunked body cleanly after ARG bytes, document unfinished
  hang,                      // read the request, then say nothing until the client goes away
  slow_drip,                 // one byte every ARG ms
  account_expired_2001,      // HTTP 200 SIMPLE_RETURN 2001, no rate-limit headers
  csam_failed,               // HTTP 200 CSAM responseCode FAILED
  csam_empty_has_more,       // HTTP 200 CSAM count 0, hasMore 1, no assets
  csam_stuck_cursor,         // CSAM page whose lastSeenAssetId is the one requested
  count_skew,                // CSAM count off by ARG assets (default 100) from what search serves
  malformed,                 // body that is not well-formed XML/JSON (complete HTTP framing)
  invalid_utf8,              // a value with invalid UTF-8 bytes
  huge_body,                 // endless data (for the client's size cap)
  endless_header,            // a response head whose one header field never ends
  endless_string,            // a CSAM page whose first asset's name never ends
  endless_keep_alive,        // a KB answer of keep-alive comments, as fast as the client reads
  entity_reference,          // KB: an undeclared entity (&nbsp;) outside CDATA in the first VULN
  endless_text,              // KB: a TITLE whose text never ends (for the parser's text limit)
  foreign_warning_url,  // WARNING URL pointing at another host (ARG host, default evil.invalid)
};

struct FaultRule {
  Endpoint endpoint = Endpoint::any;
  FaultKind kind = FaultKind::http_status;
  int status = 500;                        // http_status
  std::int64_t seconds = 2;                // 1965 ToWait / SECONDS_TO_WAIT, 429 Retry-After
  std::uint64_t after_bytes = 1024;        // reset_mid_body, truncate
  std::chrono::milliseconds interval{50};  // slow_drip
  std::string host = "evil.invalid";       // foreign_warning_url
  std::int64_t skew = 100;                 // count_skew
  std::int64_t remaining = 3;              // low_remaining
  std::uint64_t nth = 1;                   // first hit: the nth request after the rule was added
  std::uint64_t times = 1;                 // 0 = forever
};

// Parses one spec line; throws std::invalid_argument naming the problem.
FaultRule parse_fault_spec(std::string_view spec);
std::string_view endpoint_name(Endpoint endpoint);

// The active rules and their request counters. Not thread-safe (the Simulator locks).
class FaultPlan {
 public:
  void add(FaultRule rule, std::uint64_t requests_so_far_to_endpoint);
  void clear() { rules_.clear(); }
  // The first rule that fires for the request numbered `request_number` (1-based, per
  // endpoint; `any` rules use the total count).
  std::optional<FaultRule> match(Endpoint endpoint, std::uint64_t request_number,
                                 std::uint64_t total_number) const;

 private:
  struct Active {
    FaultRule rule;
    std::uint64_t base = 0;
  };
  std::vector<Active> rules_;
};

}  // namespace qi::sim
