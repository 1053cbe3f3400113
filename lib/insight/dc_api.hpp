// The two Data Center REST calls the insight job makes, under the REST root it found: read an
// import source's progress and start it. The root is /rest/assets/1.0 (Assets 8.10.12+, JSM
// 5.3+), or the deprecated /rest/insight/1.0 when the first answers 404, or insight.api_root.
// Used by the Data Center importer and by `check --online`.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/insight_config.hpp"
#include "insight/dc_progress.hpp"
#include "insight/jira_transport.hpp"

namespace qi::insight {

// One configured import source: which file it reads and its ID.
struct DcSource {
  std::string key;   // "assets": the insight.imports key
  std::string file;  // "assets.csv"
  std::int64_t id = 0;
  std::string what() const;  // "import source 11 (assets.csv)"
};

// The configured sources in import order: assets, vulnkb, cve, then vm (detections reference
// hosts and QIDs, so they go last).
std::vector<DcSource> dc_sources(const config::InsightImports& imports);

class DcApi {
 public:
  DcApi(JiraTransport& transport, const config::InsightConfig& config,
        const qualys::CallContext& context);

  // Settles the REST root with `source`'s progress (with api_root "auto": /rest/assets/1.0,
  // then /rest/insight/1.0 on 404) and logs it. Returns that progress. Throws qi::FatalError
  // naming the source ID when neither root knows it.
  asio::awaitable<DcProgress> find_root(const DcSource& source);

  // GET progress/category/imports/{id}. Throws qi::FatalError naming the source ID on 404.
  asio::awaitable<DcProgress> progress(const DcSource& source);

  // POST import/start/{id}. Returns nullopt when Jira answers that the source is already running
  // (409), else what the start answered (which may carry the new run's progress). Throws
  // qi::FatalError naming the source ID on 404, with the server's words on other refusals.
  asio::awaitable<std::optional<DcProgress>> start(const DcSource& source);

  const std::string& root() const { return root_; }

 private:
  asio::awaitable<JiraResponse> get_progress(const DcSource& source, const std::string& root);

  JiraTransport& transport_;
  const qualys::CallContext& context_;
  std::string base_;  // insight.url without a trailing '/'
  std::string root_;  // empty until found
};

}  // namespace qi::insight
