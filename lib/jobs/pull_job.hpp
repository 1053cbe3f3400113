// The sequence every Qualys pull job follows, written once: plan a full or an incremental pull
// (incremental_base.hpp), open the publication, pull, merge the changes with the base, publish
// through the gates (publish_step.hpp), record what the job keeps in state.dir, save the base,
// and fill the run's summary. Each job (kb, vm, assets) supplies a PullJob saying only what
// differs: its files and their headers, how it pulls them, and which IDs its changes replace.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jobs/incremental_base.hpp"
#include "jobs/job.hpp"
#include "jobs/job_support.hpp"
#include "jobs/merge_by_key.hpp"
#include "output/csv_writer.hpp"

namespace qi::jobs {

// One file a job writes, in its ID order.
struct JobFile {
  std::string_view name;
  std::span<const std::string_view> header;
  // False for a file only the base keeps (assets' asset → hostId pairs): not published.
  bool published = true;
};

// Where a pull writes its rows: one writer per JobFile, in the same order. In an incremental
// pull these are segments for the changed rows, merged with the base afterwards.
using PullOutput = std::span<output::CsvWriter* const>;

// The run as the skeleton has planned it.
struct PullRun {
  const IncrementalPlan& plan;
  const IncrementalBase& base;  // to drop when the pull finds an incremental pull unreliable
};

// What an incremental pull replaces in the base: the rows of every ID in `replaced` give way
// (as do those of every ID among the changed rows) and, when `present` is given, those of every
// ID not in it.
struct Changes {
  IdSet replaced;
  std::optional<IdSet> present;
};

// The files after the pull (merged with the base in an incremental run), for the summary.
struct PullOutcome {
  bool incremental = false;
  std::string_view changed_after;
  std::span<output::CsvWriter* const> files;    // what is published (and the base-only files)
  std::span<output::CsvWriter* const> changed;  // the changed rows; empty in a full pull
  std::uint64_t pages = 0;
};

// Something a job keeps in state.dir beside its base, written once the files are published.
// `forget` (when given) removes what `save` would have replaced if `save` fails.
struct StateRecord {
  std::string what;
  std::function<void()> save;
  std::function<void()> forget = {};
};

class PullJob {
 public:
  virtual ~PullJob() = default;

  virtual std::vector<JobFile> files() const = 0;

  // Before the plan: calls whose answers the whole run uses (the CSAM count).
  virtual asio::awaitable<void> start(JobCalls&) { co_return; }

  // Pulls every row (a full plan) or the rows changed after run.plan.changed_after into `out`.
  virtual asio::awaitable<void> pull(JobCalls& calls, const PullRun& run, PullOutput out) = 0;

  // After an incremental pull: what its rows replace in the base.
  virtual asio::awaitable<Changes> changes(JobCalls& calls, const PullRun& run) = 0;

  // Sees every merged row of file `file` (none by default).
  virtual std::function<void(std::string_view row)> merged_rows_of(std::size_t /*file*/) {
    return {};
  }

  // After the merge: a reason why the merged files cannot be published, so that everything is
  // pulled instead (the assets count check); none by default.
  virtual std::optional<std::string> merged_problem(PullOutput /*merged*/) { return std::nullopt; }

  // After publishing: adds the job's own figures to `result` and names what it keeps in
  // state.dir (recorded before the base).
  virtual std::vector<StateRecord> after_publishing(const PullRun&, JobResult&) { return {}; }

  // The one-line summary of the run.
  virtual std::string summary(const PullOutcome& outcome) const = 0;
};

// Runs `job` as `kind` in `env`: the whole sequence above.
asio::awaitable<JobResult> run_pull_job(JobEnvironment& env, JobKind kind, PullJob& job);

}  // namespace qi::jobs
