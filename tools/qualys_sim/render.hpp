// Text renderers for the simulated Qualys payloads, one record (or envelope piece) at a time so
// responses stream. Shapes follow the real responses (docs/qualys-api.md) as our fixtures in
// tests/fixtures/qualys reproduce them (file names in the .cpp comments).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qualys_sim/data_spec.hpp"

namespace qi::sim {

// ---- CSAM JSON (csam_page_*.json) ----

// includeFields: nullopt = every field; otherwise top-level names to fill (others are null,
// as Qualys does; assetId is always filled).
using FieldSelection = std::optional<std::set<std::string, std::less<>>>;
FieldSelection parse_include_fields(std::string_view include_fields);

void append_asset_json(std::string& out, const SimAsset& asset, const FieldSelection& fields);
// Everything of the envelope before the first asset; assets are joined with ",".
std::string search_envelope_head(std::int64_t count, std::int64_t last_seen_asset_id, int has_more,
                                 std::string_view response_code = "SUCCESS",
                                 std::string_view response_message = "Valid API Access");
std::string search_envelope_tail();
std::string count_body(std::int64_t count);

// ---- API v2 XML ----

std::string utc_now_iso();

// SIMPLE_RETURN as in simple_return_*.xml. dtd_host empty: no DOCTYPE.
std::string simple_return(std::string_view code, std::string_view text,
                          const std::vector<std::pair<std::string, std::string>>& items,
                          std::string_view dtd_host, bool xml_declaration);
// The 409 bodies, with the odd whitespace of simple_return_1960/1965_*.xml.
std::string simple_return_409(std::string_view code, std::string_view text, std::string_view key,
                              std::string_view value);
std::string generic_return_internal_error();

// KnowledgeBase (kb_*.xml).
std::string kb_head(std::string_view dtd_host, bool xml_declaration);
std::string kb_vuln_list_open();
void append_kb_vuln(std::string& out, const SimVuln& vuln, bool basic_or_all);
std::string kb_vuln_list_close();
std::string kb_tail();
std::string keep_alive_comment(std::string_view root);

// Host detection (hld_*.xml).
std::string hld_head(std::string_view dtd_host, std::string_view version);
std::string hld_host_list_open();
struct HldFields {
  bool show_results = true;  // RESULTS, as Qualys's show_results=1 default
  bool show_qds = false;     // QDS, only on show_qds=1
};
void append_hld_host(std::string& out, const SimHost& host,
                     const std::vector<SimDetection>& detections, HldFields fields);
std::string hld_host_list_close();
// The truncation WARNING (hld_truncated_warning.xml,
// host_list_truncated_warning.xml): URL in CDATA padded with newlines and spaces.
std::string truncation_warning(std::int64_t limit, std::string_view url);
std::string hld_tail();

// Host list (host_list_id_set.xml).
std::string host_list_head(std::string_view dtd_host, std::string_view version);
void append_host_list_host(std::string& out, const SimHost& host);
std::string host_list_tail();

// A stream of ids rendered as ID_SET children, consecutive ids compressed into ID_RANGE.
class IdSetWriter {
 public:
  // Returns text to emit (possibly empty) after adding id (ids arrive ascending).
  std::string add(std::int64_t id);
  std::string finish();

 private:
  std::string flush();
  std::optional<std::pair<std::int64_t, std::int64_t>> run_;
};

}  // namespace qi::sim
