// Helpers shared by the parser tests: reading fixtures, running a parser over a
// document in chunks of a given size, and a canonical text summary of everything it reported.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qualys/records.hpp"
#include "support/read_file.hpp"

namespace qi::qualys::testing {

using qi::testing::read_file;
std::string fixture(std::string_view name);  // a file of tests/fixtures/qualys

// Which parser a document belongs to.
enum class XmlKind { kb, detection, host_list };
XmlKind kind_for(std::string_view file_name);

// Runs the parser for kind over doc, fed in chunks of chunk bytes, and returns one line per
// record plus simple_return / warning / next URL lines. Throws what the parser throws.
std::string summarize_xml(XmlKind kind, std::string_view doc, std::size_t chunk);

struct KbResult {
  std::vector<KbVuln> vulns;
  std::optional<SimpleReturn> simple_return;
  std::optional<std::int64_t> last_qid;
};
KbResult parse_kb(std::string_view doc, std::size_t chunk = SIZE_MAX);

struct DetectionResult {
  std::vector<DetectionHost> hosts;
  std::optional<SimpleReturn> simple_return;
  std::optional<std::string> next_page_url;
  std::string warning_code, warning_text;
};
DetectionResult parse_detections(std::string_view doc, std::size_t chunk = SIZE_MAX);

std::vector<Asset> parse_assets(std::string_view doc, std::size_t chunk = SIZE_MAX);

}  // namespace qi::qualys::testing
