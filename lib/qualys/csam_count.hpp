// The CSAM count endpoint's body (POST /rest/2.0/count/am/asset, csam_v2_count_asset.json):
// {"count":10000,"responseCode":"SUCCESS","responseMessage":"Valid API Access"}.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qi::qualys {

struct CsamCount {
  std::optional<std::int64_t> count;  // absent on error bodies
  std::string response_code;
  std::string response_message;
};

// Malformed JSON, invalid UTF-8 or a non-object body → qi::TransientError.
CsamCount parse_csam_count(std::string_view body);

}  // namespace qi::qualys
