// The Data Center importer: starts the import sources that read our published files, one at a
// time in the order assets, vulnkb, cve, then vm (detections reference hosts and QIDs), and
// waits for each to finish before the next. An import already running (Insight's own schedule,
// an operator) is waited for first. Every wait is bounded by the job's deadline and logged with
// its reason; what Jira reports about each run is logged and returned as it said it.
#pragma once

#include <chrono>

#include "insight/importer.hpp"

namespace qi::insight {

// How often the progress is read while an import runs: first after `first`, then twice as
// long each time, up to `longest`.
struct DcPolling {
  std::chrono::milliseconds first{std::chrono::seconds(1)};
  std::chrono::milliseconds longest{std::chrono::seconds(30)};
};

class DcImporter final : public Importer {
 public:
  explicit DcImporter(DcPolling polling = {}) : polling_(polling) {}

  // A configured source whose file is not in `set` (its job has not published yet) is skipped
  // with a warning and reported as SKIPPED; nothing to import at all is a qi::FatalError. A run
  // that Jira finishes as failed is a qi::FatalError naming the source, and stops the sequence.
  // On cancellation the import running in Jira goes on; only our waiting stops.
  asio::awaitable<ImportReport> import(const ImportSet& set, ImportEnvironment& env) override;

 private:
  DcPolling polling_;
};

}  // namespace qi::insight
