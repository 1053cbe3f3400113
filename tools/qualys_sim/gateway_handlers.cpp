// Gateway endpoints: POST /auth (201 + raw JWT text, docs/qualys-api.md §2.1) and the CSAM v2 asset
// search and count (§4), with the envelope of csam_page_*.json.
#include "qualys_sim/core.hpp"
#include "qualys_sim/render.hpp"

namespace qi::sim {

namespace {

constexpr std::uint64_t kHugeBodyCap = 64ULL << 30;

std::string bearer_of(const Request& request) {
  const std::string_view value = request[http::field::authorization];
  return value.starts_with("Bearer ") ? std::string(value.substr(7)) : std::string{};
}

Headers gateway_json_headers() {
  Headers h = plain_headers("application/json");
  // The gateway is rate limited too (docs/qualys-api.md §7.3).
  h.emplace_back("x-ratelimit-limit", "300");
  h.emplace_back("x-ratelimit-window-sec", "3600");
  return h;
}

// Bearer check shared by search and count; answers 401 itself.
asio::awaitable<bool> authorized(Exchange& ex, ResponseWriter& writer) {
  if (ex.core.token_valid(bearer_of(ex.request))) co_return true;
  co_await writer.send(
      401, plain_headers("application/json"),
      "{\"responseCode\":\"UNAUTHORIZED\",\"responseMessage\":\"Token expired or invalid\"}");
  co_return false;
}

bool has(const std::optional<FaultRule>& fault, FaultKind kind) {
  return fault && fault->kind == kind;
}

// assetLastUpdated=YYYY-MM-DDTHH:MM:SSZ (docs/qualys-api.md §4.1); `valid` is false when the
// request has one in another shape.
struct UpdatedAfter {
  bool valid = true;
  std::optional<std::int64_t> epoch;
};

UpdatedAfter updated_after_of(const Params& params) {
  const auto text = param(params, "assetLastUpdated");
  if (!text) return {};
  const auto epoch = text->size() == 20 ? parse_iso_utc(*text) : std::nullopt;
  return {epoch.has_value(), epoch};
}

// A deleted asset is in no response; with assetLastUpdated, only assets updated strictly after.
bool listed(const DataSpec& spec, std::int64_t index,
            const std::optional<std::int64_t>& updated_after) {
  if (!asset_exists(spec, index)) return false;
  return !updated_after || asset_updated_at(spec, index) > *updated_after;
}

// The listed assets with assetId > last_seen (count?lastSeenAssetId=…, docs/qualys-api.md §4.4: the
// count takes the search's parameters). O(1) for the usual full count; otherwise one pass over
// the slots after the cursor, like the search would walk them.
std::int64_t listed_count(const DataSpec& spec, const std::optional<std::int64_t>& updated_after,
                          std::int64_t last_seen) {
  const std::int64_t slots = asset_slots(spec);
  const std::int64_t first = last_seen > 0 ? first_asset_after(spec, last_seen) : 0;
  if (!updated_after && first == 0) return asset_count(spec);
  if (!updated_after && generation_of(spec) == 0) return slots - first;  // nothing removed
  std::int64_t count = 0;
  for (std::int64_t i = first; i < slots; ++i) count += listed(spec, i, updated_after);
  return count;
}

// lastSeenAssetId as search and count read it: absent is 0; anything but a non-negative
// integer is refused (nullopt).
std::optional<std::int64_t> last_seen_of(const Params& params) {
  const auto text = param(params, "lastSeenAssetId");
  if (!text) return 0;
  const auto value = parse_int(*text);
  if (!value || *value < 0) return std::nullopt;
  return value;
}

constexpr std::string_view kInvalidLastSeen =
    "{\"responseCode\":\"FAILED\",\"responseMessage\":\"Invalid lastSeenAssetId\"}";

constexpr std::string_view kInvalidUpdated =
    "{\"responseCode\":\"FAILED\",\"responseMessage\":\"Invalid assetLastUpdated, expected "
    "YYYY-MM-DDTHH:MM:SSZ\"}";

}  // namespace

asio::awaitable<void> handle_auth(Exchange& ex) {
  auto writer = make_writer(ex);
  try {
    if (co_await answer_generic_fault(ex, writer)) co_return;
    if (ex.request.method() != http::verb::post) {
      co_await writer.send(405, plain_headers("text/plain"), "Method Not Allowed\n");
      co_return;
    }
    const auto& options = ex.core.options();
    const auto username = param(ex.params, "username");
    const auto password = param(ex.params, "password");
    if (!username || !password || *username != options.username || *password != options.password) {
      ex.core.count(&Stats::gateway_logins_failed);
      co_await writer.send(
          401, plain_headers("application/json"),
          "{\"responseCode\":\"UNAUTHORIZED\",\"responseMessage\":\"Invalid credentials\"}");
      co_return;
    }
    if (param(ex.params, "token") != "true") {
      ex.core.count(&Stats::gateway_logins_failed);
      co_await writer.send(400, plain_headers("text/plain"), "token=true is required\n");
      co_return;
    }
    ex.core.count(&Stats::gateway_logins_ok);
    std::string token = ex.core.issue_token();
    if (has(ex.fault, FaultKind::malformed)) token = "<html>not a token</html>";
    if (has(ex.fault, FaultKind::invalid_utf8)) token += "\xff\xfe";
    // The body is the raw JWT as text, not JSON (ELA mock; docs/qualys-api.md §2.1).
    co_await writer.send(201, plain_headers("text/plain;charset=UTF-8"), token);
  } catch (const BodyCut&) {
  }
}

asio::awaitable<void> handle_count(Exchange& ex) {
  auto writer = make_writer(ex);
  try {
    if (co_await answer_generic_fault(ex, writer)) co_return;
    if (!co_await authorized(ex, writer)) co_return;
    const Headers headers = gateway_json_headers();
    const auto last_seen = last_seen_of(ex.params);
    if (!last_seen) {
      co_await writer.send(400, headers, kInvalidLastSeen);
      co_return;
    }
    const UpdatedAfter updated_after = updated_after_of(ex.params);
    if (!updated_after.valid) {
      co_await writer.send(400, headers, kInvalidUpdated);
      co_return;
    }
    // The same set search serves: deleted assets are not counted.
    const std::int64_t count = listed_count(ex.core.data(), updated_after.epoch, *last_seen);
    std::string body = count_body(count);
    if (ex.fault && ex.fault->kind == FaultKind::count_skew) {
      body = count_body(count + ex.fault->skew);
    }
    if (has(ex.fault, FaultKind::csam_failed)) {
      body =
          "{\"responseCode\":\"FAILED\",\"responseMessage\":\"Internal error occurred, please "
          "retry\"}";
    } else if (has(ex.fault, FaultKind::malformed)) {
      body = "{\"count\":" + std::to_string(count) + ",\"responseCode\":";
    }
    co_await writer.send(200, headers, body);
  } catch (const BodyCut&) {
  }
}

asio::awaitable<void> handle_search(Exchange& ex) {
  auto writer = make_writer(ex);
  try {
    if (co_await answer_generic_fault(ex, writer)) co_return;
    if (!co_await authorized(ex, writer)) co_return;
    const DataSpec spec = ex.core.data();
    const Headers headers = gateway_json_headers();

    std::int64_t page_size = 100;
    if (const auto text = param(ex.params, "pageSize")) {
      const auto value = parse_int(*text);
      if (!value || *value < 1 || *value > 300) {
        // pageSize max 300 (docs/qualys-api.md §4.1).
        co_await writer.send(400, headers,
                             "{\"responseCode\":\"FAILED\",\"responseMessage\":\"pageSize must be "
                             "between 1 and 300\"}");
        co_return;
      }
      page_size = *value;
    }
    const auto last_seen_param = last_seen_of(ex.params);
    if (!last_seen_param) {
      co_await writer.send(400, headers, kInvalidLastSeen);
      co_return;
    }
    const std::int64_t last_seen = *last_seen_param;
    const UpdatedAfter updated_after = updated_after_of(ex.params);
    if (!updated_after.valid) {
      co_await writer.send(400, headers, kInvalidUpdated);
      co_return;
    }
    FieldSelection fields;
    if (const auto include = param(ex.params, "includeFields"))
      fields = parse_include_fields(*include);

    if (has(ex.fault, FaultKind::csam_failed)) {
      co_await writer.send(
          200, headers,
          "{\"responseMessage\":\"Internal error occurred, please retry\",\"count\":0,"
          "\"responseCode\":\"FAILED\",\"lastSeenAssetId\":null,\"hasMore\":0,\"assetListData\":"
          "null}");
      co_return;
    }
    if (has(ex.fault, FaultKind::csam_empty_has_more)) {
      co_await writer.send(200, headers,
                           search_envelope_head(0, last_seen, 1) + search_envelope_tail());
      co_return;
    }

    // The page: the next pageSize listed assets after the cursor (deleted and, with
    // assetLastUpdated, older ones leave gaps), then whether any listed asset follows.
    const std::int64_t slots = asset_slots(spec);
    std::vector<std::int64_t> page;
    std::int64_t next = first_asset_after(spec, last_seen);
    for (; next < slots && static_cast<std::int64_t>(page.size()) < page_size; ++next) {
      if (listed(spec, next, updated_after.epoch)) page.push_back(next);
    }
    while (next < slots && !listed(spec, next, updated_after.epoch)) ++next;
    const bool use_204 = ex.core.options().csam_204_at_end;
    if (page.empty() && !has(ex.fault, FaultKind::huge_body)) {
      if (use_204) {
        co_await writer.send(204, plain_headers("application/json"), "");
      } else {
        co_await writer.send(200, headers,
                             search_envelope_head(0, last_seen, 0) + search_envelope_tail());
      }
      co_return;
    }
    int has_more = (next < slots || use_204) ? 1 : 0;
    std::int64_t cursor = page.empty() ? last_seen : asset_id_at(spec, page.back());
    if (has(ex.fault, FaultKind::csam_stuck_cursor)) {
      cursor = last_seen;  // the cursor does not advance
      has_more = 1;
    }
    co_await writer.start_chunked(200, headers);
    const std::string head =
        search_envelope_head(static_cast<std::int64_t>(page.size()), cursor, has_more);
    co_await writer.write(head);
    std::string record;
    if (has(ex.fault, FaultKind::endless_string)) {
      co_await writer.write(R"({"assetId":1,"assetName":")");
      const std::string name(16 * 1024, 'n');
      for (;;) co_await writer.write(name);  // until the client goes away
    }
    if (has(ex.fault, FaultKind::huge_body)) {
      for (std::int64_t i = 0; writer.body_bytes() < kHugeBodyCap; ++i) {
        record.clear();
        if (i) record += ',';
        append_asset_json(record, asset_at(spec, slots > 0 ? i % slots : 0), std::nullopt);
        co_await writer.write(record);
      }
    }
    for (std::size_t n = 0; n < page.size(); ++n) {
      record.clear();
      if (n != 0) record += ',';
      SimAsset asset = asset_at(spec, page[n]);
      if (n == 0 && has(ex.fault, FaultKind::invalid_utf8)) asset.asset_name += "\xc3\x28\xff";
      append_asset_json(record, asset, fields);
      co_await writer.write(record);
      if (n == 0 && has(ex.fault, FaultKind::malformed)) {
        co_await writer.write(",{\"assetId\":,\"assetName\":\"unterminated}");
        break;
      }
    }
    co_await writer.write(search_envelope_tail());
    co_await writer.finish();
  } catch (const BodyCut&) {
  }
}

}  // namespace qi::sim
