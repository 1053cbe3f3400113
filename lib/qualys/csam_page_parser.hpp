// Parser of one CSAM v2 search page (POST /rest/2.0/search/am/asset): the envelope plus one
// Asset per assetListData.asset[] element. Owned by the assets job for one page.
// RapidJSON cannot resume a parse when more bytes come, so the page is held (JsonText: size and
// value limits checked as the bytes arrive) and parsed in finish(), which hands over each asset
// as soon as its object closes: holding them all would cost ~40 times the page for a page of
// tiny assets. A page that turns out truncated or invalid has then handed over some assets
// before finish() throws; callers discard those (the assets job rolls its writers back before
// each attempt, convert publishes nothing).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "qualys/json_text.hpp"
#include "qualys/records.hpp"

namespace qi::qualys {

struct CsamEnvelope {
  std::string response_code;  // "SUCCESS" when the page is good; the client classifies others
  std::string response_message;
  std::optional<std::int64_t> count;
  std::optional<int> has_more;  // 0/1; true/false accepted; missing or null → nullopt
  std::optional<std::int64_t> last_seen_asset_id;
  std::size_t assets = 0;  // assets emitted
};

class CsamPageParser {
 public:
  // The limits (docs/security.md). The assets job asks for pageSize ≤ 300 assets with only the
  // columns it needs (includeFields): a real page is under 2 MiB even with every field of the
  // operating system and hardware objects (~4 KiB an asset), and a page is held once per
  // concurrent window (qualys.max_concurrency, default 2): 4 MiB keeps two of them, with the
  // rest of the daemon (~17 MB), well within 32 MiB.
  static constexpr std::size_t kDefaultMaxBytes = std::size_t{4} << 20;
  // One string or number: RapidJSON copies it whole onto its stack. CSAM values are names,
  // dates, IDs, a few hundred bytes at most.
  static constexpr std::size_t kMaxValueBytes = std::size_t{1} << 20;
  // One object key: kept per nesting level (up to 512) while the page is parsed. CSAM keys are
  // field names of a few dozen bytes.
  static constexpr std::size_t kMaxKeyBytes = 1024;
  // One asset's tags (tagList.tag[].tagName, the Tags column), counted as sent (duplicates
  // included) and as the ||-joined cell would hold them. The page cap bounds what a page costs;
  // these bound one asset's cell, which travels whole into assets.csv, the incremental base and
  // the Insight push (one value per tag). Tags are an operator's own labels, tens per asset in
  // practice: 1024 names and 64 KiB leave two orders of magnitude of room.
  static constexpr std::size_t kMaxTagsPerAsset = 1024;
  static constexpr std::size_t kMaxTagBytesPerAsset = std::size_t{64} << 10;

  // Collects the fields of `fields` besides the assets.csv ones (none by default).
  explicit CsamPageParser(std::function<void(Asset&&)> on_asset,
                          std::size_t max_bytes = kDefaultMaxBytes, AssetFields fields = {});
  CsamPageParser(std::function<void(Asset&&)> on_asset, AssetFields fields)
      : CsamPageParser(std::move(on_asset), kDefaultMaxBytes, fields) {}

  // Holds bytes; past a limit → qi::FatalError (JsonText::append).
  void feed(std::string_view bytes);
  // Parses the page and hands over its assets. Invalid or incomplete JSON, invalid UTF-8 →
  // qi::TransientError("malformed JSON in CSAM page: <reason> at offset N"); a value of the
  // wrong type for an ID, a key over kMaxKeyBytes, an asset over a tag limit or with an
  // agent.lastCheckedIn that is no date → qi::FatalError (naming the asset). Lone UTF-16 surrogate
  // escapes arrive as U+FFFD, `\u0000` is dropped.
  void finish();

  const CsamEnvelope& envelope() const { return envelope_; }

 private:
  std::function<void(Asset&&)> on_asset_;
  AssetFields fields_;
  JsonText text_;
  CsamEnvelope envelope_;
  bool finished_ = false;
};

}  // namespace qi::qualys
