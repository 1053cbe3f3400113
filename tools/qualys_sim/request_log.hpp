// qualys-sim --request-log FILE: one JSON line per request to the simulated API (everything but
// /__sim/ control calls), appended as the request arrives, so that a benchmark can replay
// exactly the requests the daemon made (bench/online_pull.sh). Secrets never reach the file:
// of an Authorization header only its scheme is kept, and a form field named "password" (the
// gateway /auth body) has its value replaced by "REDACTED". The daemon never needs the log.
//
// Process-wide and off by default: qualys-sim opens it once; in-process tests never do, and
// then log_request is a no-op.
#pragma once

#include <filesystem>
#include <string>

#include "qualys_sim/simulator.hpp"

namespace qi::sim {

// Opens FILE for appending (created 0600); throws std::runtime_error when it cannot.
void open_request_log(const std::filesystem::path& file);
// Appends the request's line when a log is open; thread-safe.
void log_request(const RecordedRequest& request);
// The line without its newline, e.g. {"ms":12,"endpoint":"kb","method":"POST","target":"/api/2.0/
// fo/knowledge_base/vuln/","content_type":"application/x-www-form-urlencoded","authorization":
// "Basic","headers":{"X-Requested-With":"qualys-insightd"},"body":"action=list&…"}; "ms" counts
// from open_request_log. Headers other than Host, Content-Type, Content-Length, Authorization,
// Proxy-Authorization and Cookie are listed as sent.
std::string request_log_line(const RecordedRequest& request, long long ms);

}  // namespace qi::sim
