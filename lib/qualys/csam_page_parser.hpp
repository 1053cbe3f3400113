// Parser of one CSAM v2 search page (POST /rest/2.0/search/am/asset): the envelope plus one
// Asset per assetListData.asset[] element. Owned by the assets job for one page.
// Pages are small (pageSize ≤ 300), so the bytes are buffered up to a cap and parsed in
// finish(); the assets are emitted only after the whole page has parsed, so a truncated or
// invalid page emits nothing (the retried page cannot duplicate rows).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "qualys/records.hpp"

namespace qi::qualys {

struct CsamEnvelope {
  std::string response_code;     // "SUCCESS" when the page is good; the client classifies others
  std::string response_message;
  std::optional<std::int64_t> count;
  std::optional<int> has_more;   // 0/1; true/false accepted; missing or null → nullopt
  std::optional<std::int64_t> last_seen_asset_id;
  std::size_t assets = 0;        // assets emitted
};

class CsamPageParser {
 public:
  static constexpr std::size_t kDefaultMaxBytes = std::size_t{256} << 20;

  explicit CsamPageParser(std::function<void(Asset&&)> on_asset,
                          std::size_t max_bytes = kDefaultMaxBytes);

  // Buffers bytes; more than max_bytes in total → qi::FatalError.
  void feed(std::string_view bytes);
  // Parses the page and emits its assets. Invalid or incomplete JSON, invalid UTF-8 →
  // qi::TransientError("malformed JSON in CSAM page: <reason> at offset N"); a value of the
  // wrong type for an ID → qi::FatalError.
  void finish();

  const CsamEnvelope& envelope() const { return envelope_; }

 private:
  std::function<void(Asset&&)> on_asset_;
  std::size_t max_bytes_;
  std::string body_;
  CsamEnvelope envelope_;
  bool finished_ = false;
};

}  // namespace qi::qualys
