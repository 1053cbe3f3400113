// The Assets Cloud importer: pushes one published set into the external import whose container
// token the transport sends (insight.cloud). Discovery (insight.cloud.info_url) gives the import
// source's links, and only links to the host that answered are followed. The mapping is put when
// the import source has none or ours changed (cloud_mapping_state.hpp); then one execution takes
// the four files as data chunks (object_chunks.hpp) in the mapping's push order, and its status is
// polled until Assets has processed them. docs/insight.md ("Assets Cloud") describes it for
// operators. Made by the insight job for one run.
#pragma once

#include <chrono>

#include "insight/importer.hpp"

namespace qi::insight {

struct CloudImporterOptions {
  // How often the push tells Assets (submitProgress) and the log how far it is.
  std::chrono::milliseconds progress_interval = std::chrono::seconds(30);
  // The execution status is polled after this wait, doubled up to poll_max.
  std::chrono::milliseconds poll_initial = std::chrono::seconds(1);
  std::chrono::milliseconds poll_max = std::chrono::seconds(30);
  // How long the cancel request of a failed or cancelled push may take.
  std::chrono::milliseconds cancel_timeout = std::chrono::seconds(10);
};

class CloudImporter final : public Importer {
 public:
  explicit CloudImporter(CloudImporterOptions options = {}) : options_(options) {}

  // Throws qi::FatalError (naming the step and Atlassian's messages) when the import source is
  // DISABLED, a link leads to another host, the push is over insight.cloud.max_objects (before
  // anything is sent), Assets refuses the mapping or a chunk, or the execution ends CANCELLED. A
  // started execution that cannot finish (error, deadline, SIGTERM) is cancelled through its link
  // before the error goes on.
  asio::awaitable<ImportReport> import(const ImportSet& set, ImportEnvironment& env) override;

 private:
  CloudImporterOptions options_;
};

}  // namespace qi::insight
