// What Assets Cloud answers, read into our terms: the links of imports/info, configstatus and an
// execution's start (each checked to lead to the host discovery answered from), the execution
// status with its per-object-type counts, and Atlassian's error texts. Every field we do not use is
// ignored, and a missing one is said by name, so a variant of the documented shape still works or
// fails saying what it lacked.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "insight/importer.hpp"

namespace qi::insight {

// "host[:port]" of an https URL, lower-cased; empty when `url` is not one.
std::string url_host(std::string_view url);
// The URL without scheme, host and query, for logs and error text.
std::string url_path(std::string_view url);

// A JSON answer's links by name.
using CloudLinks = std::map<std::string, std::string, std::less<>>;

// The members of `body`'s "links" object that are strings. Throws qi::FatalError naming `what`
// when the body is not a JSON object, when a link in `required` is missing, and when any link
// leads to another host than `host` (the container token must not go anywhere else).
CloudLinks read_links(std::string_view body, std::string_view what, const std::string& host,
                      std::span<const std::string_view> required);

struct ConfigStatus {
  std::string status;  // IDLE, RUNNING, DISABLED, MISSING_MAPPING, or what the server said
  CloudLinks links;    // RUNNING: cancel and getExecutionStatus of the running execution
};
ConfigStatus read_config_status(std::string_view body, const std::string& host);

struct ExecutionStatus {
  std::string status;  // INGESTING, PROCESSING, DONE, CANCELLED, or what the server said
  // One per object type of progressResult.objectTypeResultMap, or one for the whole execution
  // ("all objects") when the server gave only the totals.
  std::vector<ImportCount> counts;
};
ExecutionStatus read_execution_status(std::string_view body);

// At most this many dataValidationErrors (or errorMessages) are quoted; the rest are counted.
inline constexpr std::size_t kQuotedErrors = 10;

// Atlassian's error texts in an error answer: errorMessages, errors{field: text} and
// dataValidationErrors[] as "CODE: message (path)", joined with "; ", at most kQuotedErrors of
// them and "and N more". The first 200 bytes of the body when it holds none of them.
std::string atlassian_errors(std::string_view body);

}  // namespace qi::insight
