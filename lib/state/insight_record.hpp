// <state.dir>/insight-import.json: which set of published files the insight job last imported
// into Jira Assets and what Assets said, written by the job itself (also under `run`, which
// leaves state.json alone), so that a set already imported is not imported again.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "state/state_file.hpp"

namespace qi::state {

// What Assets said about one import source (Data Center) or object type (Cloud); a count the
// server did not give is left out.
struct ImportedCount {
  std::string what;
  std::string status;
  std::string result;
  std::string message;
  std::optional<std::int64_t> created;
  std::optional<std::int64_t> updated;
  std::optional<std::int64_t> failed;
};

struct ImportedFile {
  std::string name;
  std::string sha256;
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
};

// One import run: the set it took and how it ended.
struct ImportRecord {
  std::string set_id;
  std::string target;  // where it went: "datacenter https://jira.example.com", "cloud <info_url>"
  std::string run_id;
  RunResult result = RunResult::never_run;
  std::string error;
  std::optional<Time> finished;
  std::vector<ImportedFile> files;
  std::vector<ImportedCount> counts;
  std::string summary;
};

struct InsightRecord {
  std::optional<ImportRecord> last_attempt;
  std::optional<ImportRecord> last_success;
};

// A missing file gives an empty record; an unreadable or corrupt one throws qi::FatalError.
InsightRecord read_insight_record(const std::filesystem::path& file);
// Atomic replace, mode 0600. Throws qi::FatalError.
void write_insight_record(const std::filesystem::path& file, const InsightRecord& record);

// Lines for `status`: the last import and, when it differs, the last successful one.
std::string describe_insight_record(const InsightRecord& record);

}  // namespace qi::state
