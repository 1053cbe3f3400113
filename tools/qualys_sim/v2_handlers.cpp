// API v2 (/api/{2.0,3.0,4.0,5.0}/fo/...): Basic auth, the mandatory X-Requested-With header, the
// concurrency limit (409/1960), rate-limit headers on every response (docs/qualys-api.md §2.2, §7),
// and the KnowledgeBase list (§5, kb_*.xml).
#include "qualys_sim/render.hpp"
#include "qualys_sim/v2.hpp"

namespace qi::sim {

namespace {

constexpr std::uint64_t kHugeBodyCap = 64ULL << 30;

struct RunningGuard {
  explicit RunningGuard(int& counter) : counter_(counter) { ++counter_; }
  ~RunningGuard() { --counter_; }
  RunningGuard(const RunningGuard&) = delete;
  RunningGuard& operator=(const RunningGuard&) = delete;
  int& counter_;
};

bool basic_auth_ok(const Exchange& ex) {
  const std::string_view value = ex.request[http::field::authorization];
  if (!value.starts_with("Basic ")) return false;
  const auto decoded = base64_decode(value.substr(6));
  return decoded && *decoded == ex.core.options().username + ":" + ex.core.options().password;
}

bool has(const std::optional<FaultRule>& fault, FaultKind kind) {
  return fault && fault->kind == kind;
}

Headers with(Headers base, const Headers& more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

}  // namespace

asio::awaitable<void> send_v2_error(Exchange& ex, ResponseWriter& writer, const Headers& headers,
                                    std::string_view code, std::string_view text) {
  // Like simple_return_1905_no_declaration.xml: no <?xml?> declaration.
  co_await writer.send(400, headers, simple_return(code, text, {}, ex.host, false));
}

std::optional<std::int64_t> int_param(const Params& params, std::string_view name, std::int64_t lo,
                                      std::int64_t hi, std::string& bad) {
  const auto text = param(params, name);
  if (!text) return std::nullopt;
  const auto value = parse_int(*text);
  if (!value || *value < lo || *value > hi) {
    if (bad.empty()) bad = std::string(name);
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> date_param(const Params& params, std::string_view name,
                                       std::string& bad) {
  const auto text = param(params, name);
  if (!text) return std::nullopt;
  const auto epoch = parse_iso_utc(*text);
  if (!epoch && bad.empty()) bad = std::string(name);
  return epoch;
}

asio::awaitable<bool> check_params(Exchange& ex, ResponseWriter& writer, const Headers& headers,
                                   const std::vector<std::string_view>& allowed) {
  for (const auto& [name, value] : ex.params) {
    bool known = false;
    for (const auto a : allowed) known = known || a == name;
    if (!known) {
      co_await send_v2_error(ex, writer, headers, "1901", "Unrecognized parameter(s): " + name);
      co_return false;
    }
  }
  const auto action = param(ex.params, "action");
  if (!action) {
    co_await send_v2_error(ex, writer, headers, "1903", "Missing required parameter(s): action");
    co_return false;
  }
  if (*action != "list") {
    co_await send_v2_error(ex, writer, headers, "1905",
                           "parameter action has invalid value: " + *action);
    co_return false;
  }
  co_return true;
}

std::string warning_url(const Exchange& ex, std::string_view host_override,
                        std::initializer_list<std::pair<std::string_view, std::string_view>> extras,
                        std::int64_t next_id_min) {
  std::string host = host_override.empty() ? ex.host : std::string(host_override);
  if (host.empty()) host = "127.0.0.1:" + std::to_string(ex.core.port());
  std::string url = "https://" + host + ex.path + "?";
  bool first = true;
  auto add = [&](std::string_view name, std::string_view value) {
    if (!first) url += '&';
    first = false;
    url += url_encode(name) + "=" + url_encode(value);
  };
  for (const auto& [name, value] : ex.params) {
    if (name != "id_min") add(name, value);
  }
  for (const auto& [name, value] : extras) {
    if (!param(ex.params, name)) add(name, value);  // parameters the caller never sent
  }
  add("id_min", std::to_string(next_id_min));
  return url;
}

asio::awaitable<void> handle_v2(Exchange& ex) {
  auto writer = make_writer(ex);
  SimulatorCore& core = ex.core;
  try {
    if (!basic_auth_ok(ex)) {
      core.count(&Stats::basic_auth_failed);
      co_await writer.send(401, plain_headers("application/xml"),
                           simple_return("", "Bad Login/Password", {}, ex.host, true));
      co_return;
    }
    core.count(&Stats::basic_auth_ok);
    if (ex.request["X-Requested-With"].empty()) {
      co_await send_v2_error(ex, writer,
                             with(plain_headers("application/xml"), core.rate_limit_headers(true)),
                             "1903", "Missing required header: X-Requested-With");
      co_return;
    }
    if (co_await answer_generic_fault(ex, writer)) co_return;
    const int limit = core.options().concurrency_limit;
    if (limit > 0 && core.running_v2 >= limit) {
      core.count(&Stats::concurrency_rejections);
      ex.fault = FaultRule{ex.endpoint, FaultKind::concurrency_409};
      co_await answer_generic_fault(ex, writer);
      co_return;
    }
    RunningGuard running(core.running_v2);
    Headers rate = core.rate_limit_headers(true);
    if (has(ex.fault, FaultKind::low_remaining)) {
      for (auto& [name, value] : rate) {
        if (name == "x-ratelimit-remaining") value = std::to_string(ex.fault->remaining);
      }
    }
    const Headers headers = with(plain_headers("application/xml"), rate);
    switch (ex.endpoint) {
      case Endpoint::kb:
        co_await handle_kb(ex, writer, headers);
        break;
      case Endpoint::detection:
        co_await handle_detection(ex, writer, headers);
        break;
      default:
        co_await handle_hostlist(ex, writer, headers);
        break;
    }
  } catch (const BodyCut&) {
  }
}

asio::awaitable<void> handle_kb(Exchange& ex, ResponseWriter& writer, const Headers& headers) {
  // No truncation_limit here: the KB does not page and Qualys answers 1901 (§5.1).
  static const std::vector<std::string_view> kAllowed = {"action",
                                                         "details",
                                                         "ids",
                                                         "id_min",
                                                         "id_max",
                                                         "last_modified_after",
                                                         "last_modified_before",
                                                         "published_after",
                                                         "published_before",
                                                         "show_disabled_flag",
                                                         "show_supported_modules_info",
                                                         "show_pci_reasons",
                                                         "echo_request",
                                                         "is_patchable"};
  if (!co_await check_params(ex, writer, headers, kAllowed)) co_return;
  const DataSpec spec = ex.core.data();
  std::string bad;
  const auto details = param(ex.params, "details").value_or("Basic");
  if (details != "Basic" && details != "All" && details != "None") bad = "details";
  const auto id_min = int_param(ex.params, "id_min", 0, INT64_MAX, bad);
  const auto id_max = int_param(ex.params, "id_max", 0, INT64_MAX, bad);
  std::optional<IdRanges> ids;
  if (const auto text = param(ex.params, "ids")) {
    ids = parse_id_ranges(*text);
    if (!ids) {
      co_await send_v2_error(ex, writer, headers, "1905",
                             "parameter ids has invalid value: " + *text +
                                 " (neither a positive integer nor a range: " + *text + ")");
      co_return;
    }
  }
  // YYYY-MM-DD[THH:MM:SSZ]; a QID qualifies when modified strictly after / not after the date.
  const auto modified_after = date_param(ex.params, "last_modified_after", bad);
  const auto modified_before = date_param(ex.params, "last_modified_before", bad);
  if (!bad.empty()) {
    co_await send_v2_error(
        ex, writer, headers, "1905",
        "parameter " + bad + " has invalid value: " + param(ex.params, bad).value_or(""));
    co_return;
  }
  std::int64_t lo = id_min.value_or(0);
  std::int64_t hi = id_max.value_or(INT64_MAX);
  if (ids) {
    std::int64_t ids_lo = INT64_MAX;
    std::int64_t ids_hi = 0;
    for (const auto& [first, last] : *ids) {
      ids_lo = std::min(ids_lo, first);
      ids_hi = std::max(ids_hi, last);
    }
    lo = std::max(lo, ids_lo);
    hi = std::min(hi, ids_hi);
  }

  co_await writer.start_chunked(200, headers);
  // The <?xml?> declaration is optional in real responses: every third KB response omits it.
  co_await writer.write(kb_head(ex.host, ex.request_number % 3 != 0));
  if (has(ex.fault, FaultKind::endless_keep_alive)) {
    // Well-formed and never done: no record, no limit, only the job's deadline ends it.
    const std::string comment = keep_alive_comment("KNOWLEDGE_BASE_VULN_LIST_OUTPUT");
    for (;;) co_await writer.write(comment);  // until the client goes away
  }
  if (has(ex.fault, FaultKind::endless_text)) {
    co_await writer.write(kb_vuln_list_open() + "  <VULN>\n    <QID>1</QID>\n    <TITLE>");
    const std::string text(std::size_t{64} << 10, 'A');
    while (writer.body_bytes() < kHugeBodyCap) co_await writer.write(text);
    co_return;
  }
  bool list_open = false;
  std::int64_t emitted = 0;
  std::string record;
  const bool huge = has(ex.fault, FaultKind::huge_body);
  const std::int64_t slots = qid_slots(spec);
  for (std::int64_t i = first_qid_index_at_least(spec, lo); huge || i < slots; ++i) {
    if (huge && slots == 0) break;
    if (!huge) {
      // Decide on the id and the date before building the VULN's strings.
      const std::int64_t qid = qid_at(spec, i);
      if (qid > hi) break;
      if (ids && !in_ranges(*ids, qid)) continue;
      const std::int64_t modified = vuln_modified_at(spec, i);
      if (modified_after && modified <= *modified_after) continue;
      if (modified_before && modified > *modified_before) continue;
    } else if (writer.body_bytes() >= kHugeBodyCap) {
      break;
    }
    SimVuln vuln = vuln_at(spec, huge ? i % slots : i);
    record.clear();
    if (!list_open) {
      record += kb_vuln_list_open();
      list_open = true;
    }
    if (emitted == 0 && has(ex.fault, FaultKind::invalid_utf8)) vuln.title += " \xff\xfe\xc3";
    append_kb_vuln(record, vuln, details != "None");
    if (emitted == 0 && has(ex.fault, FaultKind::entity_reference)) {
      // An HTML entity outside CDATA, as from a server or proxy that HTML-escapes text.
      record.insert(record.find("<CATEGORY>") + 10, "&nbsp;");
    }
    // Keep-alive comments between VULNs too: after the third, then every 50th.
    if (++emitted == 3 || emitted % 50 == 0)
      record += keep_alive_comment("KNOWLEDGE_BASE_VULN_LIST_OUTPUT");
    co_await writer.write(record);
    if (has(ex.fault, FaultKind::malformed)) {
      co_await writer.write("  <VULN>\n    <QID>1</QID>\n  </VULN_LIST>\n<<not xml>>\n");
      break;
    }
  }
  // No match: no VULN_LIST element at all (kb_empty_no_vuln_list.xml).
  if (list_open) co_await writer.write(kb_vuln_list_close());
  co_await writer.write(kb_tail());
  co_await writer.finish();
}

}  // namespace qi::sim
