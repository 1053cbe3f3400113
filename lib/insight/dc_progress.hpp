// What Jira Data Center says about an import source's latest run (GET
// progress/category/imports/{id}), read tolerantly: Atlassian documents the fields of the
// progress object but not the values of status and result, nor the shape of resultData, so we
// take the documented names, accept the variants seen in clients, and keep the server's own words
// for the log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qi::insight {

struct DcProgress {
  std::string status;  // as the server said it ("IN_PROGRESS", "FINISHED", ...); may be empty
  std::string result;
  std::string message;  // resultMessage
  std::string step;     // stepDescription
  std::optional<double> percent;
  std::string start_date;
  std::string finished_date;
  std::string execution;  // executionUUID
  std::optional<std::int64_t> created;
  std::optional<std::int64_t> updated;
  std::optional<std::int64_t> failed;
  std::string said;  // the body's first bytes on one line, for the log

  enum class Phase { idle, running, finished };
  // finished: a finishedDate, a final status, or 100 %; running: a running status, or a start
  // without an end; idle otherwise (never run, or a shape we do not know).
  Phase phase() const;
  // A finished run whose status or result says it failed or was cancelled.
  bool failed_run() const;
  // Whether this describes another run than `before` (executionUUID or startDate differ); true
  // when `before` carried neither, since then nothing tells two runs apart.
  bool other_run_than(const DcProgress& before) const;
  // "IN_PROGRESS 45 % (Creating and updating objects)"
  std::string describe() const;
  // "20 created, 0 updated, 0 failed", only the counts the server gave; empty without any.
  std::string counts() const;
};

// Never throws: a body that is not a JSON object gives a progress with only `said` set.
DcProgress parse_dc_progress(std::string_view body);

}  // namespace qi::insight
