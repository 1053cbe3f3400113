// The Qualys calls the jobs make, spelled as Qualys wants them: paths, form fields and query
// parameters (docs/qualys-api.md), and how a paged answer leads to its next page (the WARNING
// 1980 URL of API v2, the lastSeenAssetId cursor of CSAM). Jobs say what they want (a QID
// window, a host window, changes since a time); these builders say how Qualys spells it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "qualys/csam_page_parser.hpp"

namespace qi::qualys {

class QualysSession;

// One POST: the target (path and query) on the API or gateway host, and its body (a form for
// API v2, the filter JSON for CSAM).
struct Request {
  std::string target;
  std::string body;
};

// KnowledgeBase vuln list: the QIDs id_min..id_max (none: open-ended) and, when
// `modified_after` is not empty, only those modified after it (YYYY-MM-DDTHH:MM:SSZ).
struct KbListQuery {
  std::string_view api_version;  // "/api/2.0"
  std::string_view details;      // jobs.kb.details
  std::int64_t id_min = 1;
  std::optional<std::int64_t> id_max = {};
  std::string_view modified_after = {};
};
Request kb_list_request(const KbListQuery& query);

// Which hosts a detection call covers: an ID range (either end open) or, for an incremental
// pull, the listed IDs ("1-5,9,12-20").
struct HostSelection {
  std::optional<std::int64_t> id_min = {};
  std::optional<std::int64_t> id_max = {};
  std::string_view ids = {};
};
// What the vm.csv extra columns need beyond the jobs.vm settings.
struct DetectionExtras {
  bool show_qds = false;  // the QDS column: Qualys sends QDS only when asked
};
// Host list detection with the jobs.vm settings (truncation_limit, status, show_igs, ...).
Request detection_list_request(const config::VmJobConfig& options, const HostSelection& hosts,
                               DetectionExtras extras = {});

// Host list, IDs only (details=None, truncation_limit=0); when `processed_after` is not empty,
// only the hosts whose vulnerability data was processed after it.
Request host_id_list_request(std::string_view api_version, std::string_view processed_after);

// CSAM asset search and count with the same parameters: assets above the lastSeenAssetId
// cursor (none: from the start), updated after `updated_after` when it is not empty; the body
// is jobs.assets.filter_json.
struct CsamQuery {
  std::optional<std::int64_t> last_seen_asset_id = {};
  std::string_view updated_after = {};
  std::string_view filter_json = {};
  // Fields asked for besides the assets.csv ones (",dnsName,agentId": the extra columns').
  std::string_view extra_fields = {};
};
Request csam_search_request(const CsamQuery& query, int page_size);
Request csam_count_request(const CsamQuery& query);

// An API v2 call whose answer Qualys may cut into pages (WARNING CODE 1980 with the next page's
// URL). Starts as `first`; follow() moves it to the next page.
class PagedRequest {
 public:
  explicit PagedRequest(Request first) : current_(std::move(first)) {}

  const Request& current() const { return current_; }

  // After a page whose WARNING URL was `next_url`: false when there was none (the page was the
  // last). Otherwise the next request is that URL as Qualys gave it (it echoes our parameters),
  // with no body. Throws qi::FatalError when the URL does not point at our API host over HTTPS
  // (our credentials would go elsewhere) or repeats the page just fetched (a loop); `what` names
  // the page in that message.
  bool follow(const std::optional<std::string>& next_url, const QualysSession& session,
              std::string_view what);

 private:
  Request current_;
};

// The lastSeenAssetId cursor of a CSAM search.
class CsamCursor {
 public:
  explicit CsamCursor(std::optional<std::int64_t> after) : position_(after) {}

  std::optional<std::int64_t> position() const { return position_; }

  // After a page whose highest asset is `highest`: moves to the cursor the page handed back
  // (the page's highest asset when it has none) and returns it. Throws qi::FatalError when that
  // cursor is behind the page's last asset or does not move: we would read the same page
  // forever or, worse, skip assets.
  std::int64_t advance(const CsamEnvelope& envelope, std::int64_t highest);

 private:
  std::optional<std::int64_t> position_;
};

}  // namespace qi::qualys
