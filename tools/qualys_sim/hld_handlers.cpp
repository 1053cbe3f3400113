// Host list VM detection (docs/qualys-api.md §6, hld_*.xml) and the host list
// (host_list_*.xml): hosts ascending by ID, truncation_limit paging with a 1980 WARNING whose
// URL echoes the request (plus parameters never sent) and carries id_min of the next host.
#include "qualys_sim/detection_filter.hpp"
#include "qualys_sim/render.hpp"
#include "qualys_sim/v2.hpp"

namespace qi::sim {

namespace {

constexpr std::uint64_t kHugeBodyCap = 64ULL << 30;

bool has(const std::optional<FaultRule>& fault, FaultKind kind) {
  return fault && fault->kind == kind;
}

// The host-ID window of a request: id_min, id_max and ids together.
struct HostWindow {
  std::int64_t lo = 0;
  std::int64_t hi = INT64_MAX;
  std::optional<IdRanges> ids;
  bool contains(std::int64_t id) const {
    return id >= lo && id <= hi && (!ids || in_ranges(*ids, id));
  }
};

// Reads the window and truncation_limit; returns the bad parameter's name ("" when valid).
std::string read_window(const Params& params, HostWindow& window, std::int64_t& truncation_limit) {
  std::string bad;
  window.lo = int_param(params, "id_min", 0, INT64_MAX, bad).value_or(0);
  window.hi = int_param(params, "id_max", 0, INT64_MAX, bad).value_or(INT64_MAX);
  truncation_limit = int_param(params, "truncation_limit", 0, 1000000, bad).value_or(1000);
  if (const auto text = param(params, "ids")) {
    window.ids = parse_id_ranges(*text);
    if (!window.ids) return "ids";
    std::int64_t ids_lo = INT64_MAX;
    for (const auto& range : *window.ids) ids_lo = std::min(ids_lo, range.first);
    window.lo = std::max(window.lo, ids_lo);
  }
  return bad;
}

// A purged host is in no response; with vm_processed_after, only hosts processed strictly after.
bool listed(const DataSpec& spec, std::int64_t index,
            const std::optional<std::int64_t>& processed_after) {
  if (!host_exists(spec, index)) return false;
  return !processed_after || host_processed_at(spec, index) > *processed_after;
}

}  // namespace

asio::awaitable<void> handle_detection(Exchange& ex, ResponseWriter& writer,
                                       const Headers& headers) {
  static const std::vector<std::string_view> kAllowed = {"action",
                                                         "truncation_limit",
                                                         "id_min",
                                                         "id_max",
                                                         "ids",
                                                         "status",
                                                         "show_igs",
                                                         "severities",
                                                         "include_ignored",
                                                         "include_disabled",
                                                         "show_results",
                                                         "output_format",
                                                         "vm_processed_after",
                                                         "vm_processed_before",
                                                         "detection_updated_since",
                                                         "detection_updated_before",
                                                         "qids",
                                                         "show_tags",
                                                         "show_qds",
                                                         "host_metadata",
                                                         "show_cloud_tags",
                                                         "show_asset_id",
                                                         "show_reopened_info",
                                                         "suppress_duplicated_data_from_csv",
                                                         "echo_request"};
  if (!co_await check_params(ex, writer, headers, kAllowed)) co_return;
  const DataSpec spec = ex.core.data();
  HostWindow window;
  std::int64_t limit = 0;
  std::string bad = read_window(ex.params, window, limit);
  const DetectionFilter filter = detection_filter_from(ex.params, &bad);
  const auto processed_after = date_param(ex.params, "vm_processed_after", bad);
  const auto show_results = param(ex.params, "show_results").value_or("1");
  if (show_results != "0" && show_results != "1" && bad.empty()) bad = "show_results";
  const auto show_qds = param(ex.params, "show_qds").value_or("0");
  if (show_qds != "0" && show_qds != "1" && bad.empty()) bad = "show_qds";
  if (param(ex.params, "output_format").value_or("XML") != "XML" && bad.empty()) {
    bad = "output_format";  // the simulator serves XML only
  }
  if (!bad.empty()) {
    co_await send_v2_error(
        ex, writer, headers, "1905",
        "parameter " + bad + " has invalid value: " + param(ex.params, bad).value_or(""));
    co_return;
  }

  co_await writer.start_chunked(200, headers);
  co_await writer.write(hld_head(ex.host, ex.version));
  const bool huge = has(ex.fault, FaultKind::huge_body);
  std::int64_t emitted = 0;
  std::optional<std::int64_t> next_id;
  std::int64_t last_id = window.lo;
  std::string record;
  const std::int64_t slots = host_slots(spec);
  for (std::int64_t j = first_host_index_at_least(spec, window.lo); huge || j < slots; ++j) {
    if (huge && (slots == 0 || writer.body_bytes() >= kHugeBodyCap)) break;
    const std::int64_t index = huge ? j % slots : j;
    if (!huge) {
      const std::int64_t id = host_id_at(spec, index);
      if (id > window.hi) break;
      if (!window.contains(id) || !listed(spec, index, processed_after)) continue;
    }
    SimHost host = host_at(spec, index);
    const auto detections = filtered_detections(spec, index, filter);
    if (detections.empty()) continue;  // hosts without (matching) detections are not listed
    if (!huge && limit > 0 && emitted == limit) {
      next_id = host.host_id;
      break;
    }
    record.clear();
    if (emitted == 0) record += hld_host_list_open();
    if (emitted == 0 && has(ex.fault, FaultKind::invalid_utf8)) host.os += " \xc0\xaf\xff";
    append_hld_host(record, host, detections,
                    {.show_results = show_results == "1", .show_qds = show_qds == "1"});
    if (++emitted % 100 == 0) record += "<!-- keep-alive for HOST_LIST_VM_DETECTION_OUTPUT  -->\n";
    last_id = host.host_id;
    co_await writer.write(record);
    if (has(ex.fault, FaultKind::malformed)) {
      co_await writer.write("      <HOST><ID>1</ID></DETECTION_LIST>\n<<not xml>>\n");
      break;
    }
  }
  // Nothing matched: no HOST_LIST at all (hld_empty_no_host_list.xml).
  if (emitted > 0) co_await writer.write(hld_host_list_close());
  const bool foreign = has(ex.fault, FaultKind::foreign_warning_url);
  if (next_id || foreign) {
    const std::string url =
        warning_url(ex, foreign ? std::string_view(ex.fault->host) : std::string_view{},
                    {{"output_format", "XML"}, {"show_tags", "0"}}, next_id.value_or(last_id + 1));
    co_await writer.write(truncation_warning(limit, url));
  }
  co_await writer.write(hld_tail());
  co_await writer.finish();
}

asio::awaitable<void> handle_hostlist(Exchange& ex, ResponseWriter& writer,
                                      const Headers& headers) {
  static const std::vector<std::string_view> kAllowed = {"action",
                                                         "details",
                                                         "truncation_limit",
                                                         "id_min",
                                                         "id_max",
                                                         "ids",
                                                         "vm_processed_after",
                                                         "vm_processed_before",
                                                         "cloud_agent_activationkey",
                                                         "show_tags",
                                                         "echo_request"};
  if (!co_await check_params(ex, writer, headers, kAllowed)) co_return;
  const DataSpec spec = ex.core.data();
  HostWindow window;
  std::int64_t limit = 0;
  std::string bad = read_window(ex.params, window, limit);
  const auto processed_after = date_param(ex.params, "vm_processed_after", bad);
  const auto details = param(ex.params, "details").value_or("Basic");
  if (details != "Basic" && details != "None" && details != "All" && bad.empty()) bad = "details";
  if (!bad.empty()) {
    co_await send_v2_error(
        ex, writer, headers, "1905",
        "parameter " + bad + " has invalid value: " + param(ex.params, bad).value_or(""));
    co_return;
  }
  const bool id_set = details == "None";

  co_await writer.start_chunked(200, headers);
  co_await writer.write(host_list_head(ex.host, ex.version));
  IdSetWriter ids;
  std::int64_t emitted = 0;
  std::optional<std::int64_t> next_id;
  std::int64_t last_id = window.lo;
  std::string record;
  const std::int64_t slots = host_slots(spec);
  for (std::int64_t j = first_host_index_at_least(spec, window.lo); j < slots; ++j) {
    const std::int64_t id = host_id_at(spec, j);
    if (id > window.hi) break;
    if (!window.contains(id) || !listed(spec, j, processed_after)) continue;
    if (limit > 0 && emitted == limit) {
      next_id = id;
      break;
    }
    record.clear();
    if (emitted == 0) record += id_set ? "    <ID_SET>\n" : "    <HOST_LIST>\n";
    if (id_set) {
      record += ids.add(id);
    } else {
      append_host_list_host(record, host_at(spec, j));
    }
    ++emitted;
    last_id = id;
    if (!record.empty()) co_await writer.write(record);
  }
  if (emitted > 0) {
    const std::string close =
        id_set ? ids.finish() + "    </ID_SET>\n" : std::string("    </HOST_LIST>\n");
    co_await writer.write(close);
  }
  const bool foreign = has(ex.fault, FaultKind::foreign_warning_url);
  if (next_id || foreign) {
    // host_list_truncated_warning.xml adds details and cloud_agent_activationkey=0 (the
    // effective details value, so following the URL keeps the output shape).
    const std::string url = warning_url(
        ex, foreign ? std::string_view(ex.fault->host) : std::string_view{},
        {{"details", details}, {"cloud_agent_activationkey", "0"}}, next_id.value_or(last_id + 1));
    co_await writer.write(truncation_warning(limit, url));
  }
  co_await writer.write(host_list_tail());
  co_await writer.finish();
}

}  // namespace qi::sim
