#include "qualys/requests.hpp"

#include <utility>
#include <vector>

#include "common/error.hpp"
#include "net/form_encoding.hpp"
#include "qualys/qualys_session.hpp"

namespace qi::qualys {

namespace {

using Form = std::vector<std::pair<std::string, std::string>>;

// Only the fields assets.csv needs (plus hostId, the join key with vm.csv): the full asset
// object carries software lists and is many times larger. Fields left out come back as null.
constexpr std::string_view kIncludeFields =
    "assetId,assetUUID,address,assetName,netbiosName,lastLoggedOnUser,biosSerialNumber,"
    "biosAssetTag,operatingSystem,hardware,lastModifiedDate,createdDate,hostId";

// Appends `name=value` to a target, with '?' before the first parameter and '&' after it.
void add_parameter(std::string& target, std::string_view name, std::string_view value) {
  target += target.find('?') == std::string::npos ? '?' : '&';
  target.append(name).append("=").append(value);
}

}  // namespace

Request kb_list_request(const KbListQuery& query) {
  Form form = {{"action", "list"},
               {"details", std::string(query.details)},
               {"id_min", std::to_string(query.id_min)}};
  if (query.id_max) form.emplace_back("id_max", std::to_string(*query.id_max));
  if (!query.modified_after.empty()) {
    form.emplace_back("last_modified_after", std::string(query.modified_after));
  }
  return {std::string(query.api_version) + "/fo/knowledge_base/vuln/", net::form_encode(form)};
}

Request detection_list_request(const config::VmJobConfig& options, const HostSelection& hosts,
                               DetectionExtras extras) {
  Form form = {{"action", "list"},
               {"output_format", "XML"},
               {"truncation_limit", std::to_string(options.truncation_limit)},
               {"status", options.status},
               {"show_results", "0"},
               {"show_igs", options.show_igs ? "1" : "0"},
               {"include_ignored", options.include_ignored ? "1" : "0"},
               {"include_disabled", options.include_disabled ? "1" : "0"}};
  if (!options.severities.empty()) form.emplace_back("severities", options.severities);
  if (extras.show_qds) form.emplace_back("show_qds", "1");
  if (hosts.id_min) form.emplace_back("id_min", std::to_string(*hosts.id_min));
  if (hosts.id_max) form.emplace_back("id_max", std::to_string(*hosts.id_max));
  if (!hosts.ids.empty()) form.emplace_back("ids", std::string(hosts.ids));
  return {options.api_version + "/fo/asset/host/vm/detection/", net::form_encode(form)};
}

Request host_id_list_request(std::string_view api_version, std::string_view processed_after) {
  Form form = {{"action", "list"}, {"details", "None"}, {"truncation_limit", "0"}};
  if (!processed_after.empty()) {
    form.emplace_back("vm_processed_after", std::string(processed_after));
  }
  return {std::string(api_version) + "/fo/asset/host/", net::form_encode(form)};
}

Request csam_search_request(const CsamQuery& query, int page_size) {
  std::string target = "/rest/2.0/search/am/asset";
  add_parameter(target, "pageSize", std::to_string(page_size));
  if (query.last_seen_asset_id) {
    add_parameter(target, "lastSeenAssetId", std::to_string(*query.last_seen_asset_id));
  }
  if (!query.updated_after.empty()) {
    add_parameter(target, "assetLastUpdated", net::url_encode_component(query.updated_after));
  }
  add_parameter(
      target, "includeFields",
      net::url_encode_component(std::string(kIncludeFields) + std::string(query.extra_fields)));
  return {std::move(target), std::string(query.filter_json)};
}

Request csam_count_request(const CsamQuery& query) {
  std::string target = "/rest/2.0/count/am/asset";
  if (query.last_seen_asset_id) {
    add_parameter(target, "lastSeenAssetId", std::to_string(*query.last_seen_asset_id));
  }
  if (!query.updated_after.empty()) {
    add_parameter(target, "assetLastUpdated", net::url_encode_component(query.updated_after));
  }
  return {std::move(target), std::string(query.filter_json)};
}

bool PagedRequest::follow(const std::optional<std::string>& next_url, const QualysSession& session,
                          std::string_view what) {
  if (!next_url) return false;
  auto next_target = session.api_target_of(*next_url);
  if (!next_target) {
    throw FatalError(std::string(what) +
                     ": refusing to follow a WARNING URL that does not point at " +
                     session.endpoints().api.host + " over HTTPS (credentials would go elsewhere)");
  }
  if (*next_target == current_.target && current_.body.empty()) {
    throw FatalError(std::string(what) +
                     ": the WARNING URL repeats the previous page; stopping a loop");
  }
  current_ = {std::move(*next_target), std::string()};
  return true;
}

std::int64_t CsamCursor::advance(const CsamEnvelope& envelope, std::int64_t highest) {
  const auto next = envelope.last_seen_asset_id.value_or(highest);
  if (next < highest) {
    throw FatalError("CSAM asset search: lastSeenAssetId " + std::to_string(next) +
                     " is behind the page's last asset " + std::to_string(highest) +
                     " (the cursor would not advance); not publishing");
  }
  if (position_ && next <= *position_) {
    throw FatalError("CSAM asset search: the lastSeenAssetId cursor did not advance past " +
                     std::to_string(*position_) + "; not publishing");
  }
  position_ = next;
  return next;
}

}  // namespace qi::qualys
