// One execution of the Cloud external import, once started: the four files as data chunks in the
// mapping's push order, the closing chunk, progress to Assets and the log, and the polling of the
// execution status until Assets has processed the data. Used by CloudImporter::import, which
// starts the execution and cancels it when this fails.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "insight/cloud_answers.hpp"
#include "insight/cloud_importer.hpp"
#include "insight/cloud_mapping.hpp"
#include "insight/cloud_scope.hpp"
#include "insight/cloud_session.hpp"
#include "insight/object_chunks.hpp"

namespace qi::insight {

// The file of the set named `name`; nullptr when the set has none (ImportSet::find, which the
// insight job defines: the importer links without it).
const ImportFile* file_named(const ImportSet& set, std::string_view name);

// What one execution sends.
struct PushPlan {
  const CloudMapping& mapping;
  const ImportSet& set;
  const HostIdLookup& host_ids;
  std::string run_id;  // clientGeneratedId is "<run_id>-<sequence>"
  std::size_t chunk_objects = 500;
  bool double_backslashes = false;
  std::uint64_t objects = 0;  // in the four files' rows in scope, for progress
  // insight.cloud.vulnerabilities: detected: the QIDs whose Vulnerability and CVE rows are sent;
  // null: every row.
  const QidSet* detected_qids = nullptr;
};

// Tells Assets (submitProgress, when the execution has the link) and the log how far the push is,
// at most once per interval. A progress report Assets refuses is logged, never fatal.
class PushProgress {
 public:
  struct Options {
    std::string url;  // submitProgress; empty: the log only
    std::chrono::milliseconds interval;
    std::uint64_t objects = 0;  // the push's total
    std::size_t steps = 0;      // files + processing
    std::function<void(std::string_view stage)> on_progress;
  };
  PushProgress(CloudSession& session, Options options);

  // Reports when the interval has passed since the last report.
  asio::awaitable<void> update(std::size_t step, std::string_view stage, std::uint64_t sent);

 private:
  CloudSession& session_;
  Options options_;
  std::chrono::steady_clock::time_point next_;
};

// Sends every object and the closing chunk. Throws qi::FatalError when a file is missing from the
// set or cannot be read, or Assets refuses a chunk (with its dataValidationErrors).
asio::awaitable<void> send_data(CloudSession& session, const CloudLinks& execution,
                                const PushPlan& plan, PushProgress& progress);

// Polls the status link with backoff until the execution is neither INGESTING nor PROCESSING.
asio::awaitable<ExecutionStatus> wait_for_execution(CloudSession& session, const std::string& url,
                                                    const CloudImporterOptions& options);

}  // namespace qi::insight
