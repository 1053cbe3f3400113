// What the insight job hands to an importer and what it gets back. The job (jobs/insight_job)
// picks the set of published files from manifest.json and checks their SHA-256 before and after;
// the importer gets them into Assets: Data Center (dc_importer.hpp: starts the import sources
// that read the files) or Cloud (cloud_importer.hpp: streams the files as an external import).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/column_catalog.hpp"
#include "config/insight_config.hpp"
#include "insight/jira_transport.hpp"
#include "qualys/retry.hpp"

namespace qi::insight {

namespace asio = boost::asio;

// One published file as manifest.json describes it.
struct ImportFile {
  std::string name;  // "assets.csv", "vulnkb.csv", "cve.csv", "vm.csv"
  std::filesystem::path path;
  std::string sha256;
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
};

// The files published now, as one consistent set.
struct ImportSet {
  std::string id;  // a digest of the files' names and SHA-256: equal sets, equal IDs
  std::vector<ImportFile> files;

  const ImportFile* find(std::string_view name) const;
};

// What Assets said about one import source (DC) or one object type (Cloud). Counts are left
// out when the server did not give them.
struct ImportCount {
  std::string what;    // "import source 12 (assets.csv)", "Host"
  std::string status;  // as the server said it: "FINISHED", "DONE", ...
  std::string result;  // DC: the result as the server said it; may be empty
  std::string message;
  std::optional<std::int64_t> created;
  std::optional<std::int64_t> updated;
  std::optional<std::int64_t> failed;
};

struct ImportReport {
  std::vector<ImportCount> counts;
  std::string summary;  // one line for the log: "4 imports finished: 1200 created, 3 updated"
};

struct ImportEnvironment {
  JiraTransport& transport;
  const config::InsightConfig& config;
  qualys::CallContext context;      // job, run id, deadline, retry counts
  std::filesystem::path state_dir;  // state.dir (the Cloud mapping digest, host IDs)
  bool double_backslashes = false;  // output.double_backslashes: how the files are written
  // output.extra_columns: the columns appended to the files, which the Cloud mapping carries.
  config::ExtraColumns extra_columns = {};
  std::function<void(std::string_view stage)> on_progress = [](std::string_view) {};
};

class Importer {
 public:
  virtual ~Importer() = default;
  // Gets `set` into Assets and reports what Assets did. Throws qi::FatalError when Assets
  // refused or failed the import, qi::TransientError only through the transport's retries.
  // Honours cancellation (deadline, SIGTERM): a Cloud execution is cancelled through its link.
  virtual asio::awaitable<ImportReport> import(const ImportSet& set, ImportEnvironment& env) = 0;
};

}  // namespace qi::insight
