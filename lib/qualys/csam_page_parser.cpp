#include "qualys/csam_page_parser.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "qualys/iso_time.hpp"

namespace qi::qualys {
namespace {

constexpr std::size_t kMaxNesting = 512;
// 0000-01-01T00:00:00.000Z .. 9999-12-31T23:59:59.999Z: what four year digits can show.
constexpr std::int64_t kMinIsoMs = -62167219200000;
constexpr std::int64_t kMaxIsoMs = 253402300799999;

std::optional<std::int64_t> to_int64(std::string_view s) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return value;
}

// agent/inventory timestamps are epoch-ms numbers (csam_page_has_more.json;
// docs/qualys-api.md §4.2); should a date column arrive that way, it is written like the ISO
// strings beside it.
std::string iso_from_epoch_ms(std::int64_t ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> tp{milliseconds{ms}};
  const sys_days day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> tod{tp - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(tod.hours().count()),
                static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()),
                static_cast<int>(tod.subseconds().count()));
  return buf;
}

// Where the parse is. The extra columns' objects (tag_list .. cloud_service) are entered only
// when AssetFields asks for them; everything else nested is Where::other.
enum class Where {
  root,
  asset_list_data,
  asset_array,
  asset,
  os,
  hardware,
  tag_list,        // asset.tagList
  tag_array,       // tagList.tag
  tag,             // one tagList.tag[] element
  agent,           // asset.agent
  cloud_provider,  // asset.cloudProvider: {"aws": {...}}
  cloud_vendor,    // its first object-valued key ("aws")
  cloud_service,   // one object under it ("ec2")
  other
};

struct Frame {
  Where where;
  std::string key;  // the current key when this frame is an object
};

// A scalar as RapidJSON reported it (numbers arrive as their source text:
// kParseNumbersAsStringsFlag keeps int64 IDs above 2^53 and negative IDs exact).
struct Scalar {
  enum class Kind { null, boolean, number, string } kind;
  std::string_view text;  // number or string text; "true"/"false" for booleans
};

class PageHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, PageHandler> {
 public:
  PageHandler(CsamEnvelope& envelope, const std::function<void(Asset&&)>& on_asset,
              AssetFields fields)
      : envelope_(envelope), on_asset_(on_asset), fields_(fields) {}

  const std::string& refusal() const { return refusal_; }
  // The refusal is a limit (not retried), not malformed JSON.
  bool over_limit() const { return over_limit_; }

  bool Null() { return scalar({Scalar::Kind::null, {}}); }
  bool Bool(bool b) { return scalar({Scalar::Kind::boolean, b ? "true" : "false"}); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    return scalar({Scalar::Kind::number, {s, n}});
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    return scalar({Scalar::Kind::string, without_nul({s, n}, scratch_)});
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (n > CsamPageParser::kMaxKeyBytes) {
      refusal_ =
          "a JSON key longer than " + std::to_string(CsamPageParser::kMaxKeyBytes) + " bytes";
      over_limit_ = true;
      return false;
    }
    stack_.back().key = without_nul({s, n}, scratch_);
    return true;
  }
  bool StartObject() { return open(true); }
  bool StartArray() { return open(false); }
  bool EndObject(rapidjson::SizeType) {
    if (stack_.back().where == Where::asset) {
      if (!have_asset_id_) throw FatalError("CSAM asset without an assetId");
      if (!asset_refusal_.empty()) {
        throw FatalError("CSAM asset " + std::to_string(current_.asset_id) + " " + asset_refusal_);
      }
      if (current_.cloud_provider.empty()) current_.cloud_provider = upper(cloud_key_.value_or(""));
      on_asset_(std::move(current_));
      ++envelope_.assets;
    }
    stack_.pop_back();
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    stack_.pop_back();
    return true;
  }

 private:
  bool open(bool object) {
    if (stack_.size() >= kMaxNesting) {
      refusal_ = "nesting deeper than " + std::to_string(kMaxNesting) + " levels";
      return false;
    }
    Where where = Where::other;
    if (stack_.empty()) {
      if (!object) {
        refusal_ = "the page is not a JSON object";
        return false;
      }
      where = Where::root;
    } else {
      const Frame& parent = stack_.back();
      if (parent.where == Where::root && object && parent.key == "assetListData") {
        where = Where::asset_list_data;
      } else if (parent.where == Where::asset_list_data && !object && parent.key == "asset") {
        where = Where::asset_array;
      } else if (parent.where == Where::asset_array && object) {
        where = Where::asset;
        start_asset();
      } else if (parent.where == Where::asset && object) {
        where = asset_object(parent.key);
      } else {
        where = extra_object(parent, object);
      }
    }
    stack_.push_back(Frame{where, {}});
    return true;
  }

  void start_asset() {
    current_ = Asset{};
    have_asset_id_ = false;
    asset_refusal_.clear();
    tag_bytes_ = 0;
    cloud_key_.reset();
  }

  Where asset_object(const std::string& key) const {
    if (key == "operatingSystem") return Where::os;
    if (key == "hardware") return Where::hardware;
    if (key == "tagList" && fields_.tags) return Where::tag_list;
    if (key == "agent" && fields_.last_check_in) return Where::agent;
    if (key == "cloudProvider" && fields_.cloud) return Where::cloud_provider;
    return Where::other;
  }

  // The nested objects of the extra columns below an asset's own (asset_object).
  Where extra_object(const Frame& parent, bool object) {
    if (parent.where == Where::tag_list && !object && parent.key == "tag") return Where::tag_array;
    if (parent.where == Where::tag_array && object) return Where::tag;
    // The provider is the first key holding an object ({"aws": {"ec2": {...}}}); a second
    // provider's services are not searched for an instance ID.
    if (parent.where == Where::cloud_provider && object && !cloud_key_) {
      cloud_key_ = parent.key;
      return Where::cloud_vendor;
    }
    if (parent.where == Where::cloud_vendor && object) return Where::cloud_service;
    return Where::other;
  }

  static std::string upper(std::string text) {
    for (char& c : text) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return text;
  }

  // Refuses the current asset once its end is reached (when its assetId is known, whatever the
  // key order); the first reason wins.
  void refuse_asset(std::string reason) {
    if (asset_refusal_.empty()) asset_refusal_ = std::move(reason);
  }

  void add_tag(const Scalar& v) {
    if (v.kind != Scalar::Kind::string || v.text.empty() || !asset_refusal_.empty()) return;
    tag_bytes_ += v.text.size() + (current_.tags.empty() ? 0 : 2);  // "||"
    if (current_.tags.size() >= CsamPageParser::kMaxTagsPerAsset) {
      refuse_asset("has more than " + std::to_string(CsamPageParser::kMaxTagsPerAsset) +
                   " tags (the limit for one asset, docs/qualys-api.md)");
    } else if (tag_bytes_ > CsamPageParser::kMaxTagBytesPerAsset) {
      refuse_asset("has more than " + std::to_string(CsamPageParser::kMaxTagBytesPerAsset) +
                   " bytes of tag names (the limit for one asset, docs/qualys-api.md)");
    } else {
      current_.tags.emplace_back(v.text);
      return;
    }
    current_.tags.clear();  // refused: nothing more is kept
  }

  // agent.lastCheckedIn: epoch milliseconds (as a number, or its digits as a string), or
  // ISO-8601; kept to the second.
  void check_in(const Scalar& v) {
    if (v.kind == Scalar::Kind::null || (v.kind == Scalar::Kind::string && v.text.empty())) return;
    if (v.kind == Scalar::Kind::number || v.kind == Scalar::Kind::string) {
      if (auto ms = to_int64(v.text); ms && *ms >= kMinIsoMs && *ms <= kMaxIsoMs) {
        current_.last_check_in = *ms / 1000 - (*ms % 1000 < 0 ? 1 : 0);
        return;
      }
      auto seconds = v.kind == Scalar::Kind::string ? parse_iso_seconds(v.text) : std::nullopt;
      if (seconds && *seconds >= kMinIsoMs / 1000 && *seconds <= kMaxIsoMs / 1000) {
        current_.last_check_in = seconds;
        return;
      }
    }
    refuse_asset(
        "has an agent.lastCheckedIn that is neither epoch milliseconds nor an "
        "ISO-8601 date: '" +
        std::string(v.text.substr(0, 40)) + "'");
  }

  static std::string text_of(const Scalar& v) {
    return v.kind == Scalar::Kind::null ? std::string() : std::string(v.text);
  }

  static std::optional<std::int64_t> id_of(const Scalar& v, const std::string& key) {
    if (v.kind == Scalar::Kind::null) return std::nullopt;
    auto id = (v.kind == Scalar::Kind::number || v.kind == Scalar::Kind::string) ? to_int64(v.text)
                                                                                 : std::nullopt;
    if (!id)
      throw FatalError("CSAM " + key + " is not a 64-bit integer: '" + std::string(v.text) + "'");
    return id;
  }

  static std::string date_of(const Scalar& v) {
    if (v.kind == Scalar::Kind::number) {
      auto ms = to_int64(v.text);
      if (ms && *ms >= kMinIsoMs && *ms <= kMaxIsoMs) return iso_from_epoch_ms(*ms);
    }
    return text_of(v);  // ISO strings verbatim; anything odd as sent
  }

  bool scalar(const Scalar& v) {
    if (stack_.empty()) {
      refusal_ = "the page is not a JSON object";
      return false;
    }
    const Frame& frame = stack_.back();
    const std::string& key = frame.key;
    switch (frame.where) {
      case Where::root:
        root_value(key, v);
        break;
      case Where::asset:
        asset_value(key, v);
        break;
      case Where::os:
        if (key == "fullName")
          current_.os_full_name = text_of(v);
        else if (key == "category1")
          current_.os_category1 = text_of(v);
        else if (key == "category2")
          current_.os_category2 = text_of(v);
        break;
      case Where::hardware:
        if (key == "fullName")
          current_.hw_full_name = text_of(v);
        else if (key == "category1")
          current_.hw_category1 = text_of(v);
        else if (key == "category2")
          current_.hw_category2 = text_of(v);
        break;
      case Where::tag:
        if (key == "tagName") add_tag(v);
        break;
      case Where::agent:
        if (key == "lastCheckedIn") check_in(v);
        break;
      case Where::cloud_service:
        // GCP instance IDs are numbers in GCP's own API: a number is taken as its text.
        if ((key == "instanceId" || key == "vmId") && current_.instance_id.empty() &&
            (v.kind == Scalar::Kind::string || v.kind == Scalar::Kind::number)) {
          current_.instance_id = text_of(v);
        }
        break;
      default:
        break;  // software lists, unchosen extras…: validated by RapidJSON, not kept
    }
    return true;
  }

  void root_value(const std::string& key, const Scalar& v) {
    if (key == "responseCode") {
      envelope_.response_code = text_of(v);
    } else if (key == "responseMessage") {
      envelope_.response_message = text_of(v);
    } else if (key == "count") {
      envelope_.count = id_of(v, key);
    } else if (key == "lastSeenAssetId") {
      envelope_.last_seen_asset_id = id_of(v, key);
    } else if (key == "hasMore") {
      // An integer 0/1 in the API (docs/qualys-api.md §4.2); accept a boolean too.
      if (v.kind == Scalar::Kind::boolean) {
        envelope_.has_more = v.text == "true" ? 1 : 0;
      } else if (auto n = id_of(v, key)) {
        envelope_.has_more = *n != 0 ? 1 : 0;
      } else {
        envelope_.has_more.reset();
      }
    }
  }

  void asset_value(const std::string& key, const Scalar& v) {
    if (key == "assetId") {
      auto id = id_of(v, key);
      if (!id) throw FatalError("CSAM asset with a null assetId");
      current_.asset_id = *id;
      have_asset_id_ = true;
    } else if (key == "hostId") {
      current_.host_id = id_of(v, key);
    } else if (key == "assetUUID") {
      current_.asset_uuid = text_of(v);
    } else if (key == "address") {
      current_.address = text_of(v);
    } else if (key == "assetName") {
      current_.asset_name = text_of(v);
    } else if (key == "netbiosName") {
      current_.netbios_name = text_of(v);
    } else if (key == "lastLoggedOnUser") {
      current_.last_logged_on_user = text_of(v);
    } else if (key == "biosSerialNumber") {
      current_.bios_serial_number = text_of(v);
    } else if (key == "biosAssetTag") {
      current_.bios_asset_tag = text_of(v);
    } else if (key == "lastModifiedDate") {
      current_.last_modified_date = date_of(v);
    } else if (key == "createdDate") {
      current_.created_date = date_of(v);
    } else if (key == "dnsName") {
      current_.dns_name = text_of(v);
    } else if (key == "agentId") {
      current_.agent_id = text_of(v);
    } else if (key == "provider" && fields_.cloud && v.kind == Scalar::Kind::string) {
      current_.cloud_provider = text_of(v);  // wins over cloudProvider's key (EndObject)
    }
    // "operatingSystem": null / "hardware": null land here too and leave the fields empty.
  }

  CsamEnvelope& envelope_;
  const std::function<void(Asset&&)>& on_asset_;
  std::vector<Frame> stack_;
  AssetFields fields_;
  Asset current_;
  bool have_asset_id_ = false;
  std::string asset_refusal_;             // why the current asset is refused (refuse_asset)
  std::size_t tag_bytes_ = 0;             // the current asset's tags, ||-joined
  std::optional<std::string> cloud_key_;  // the current asset's cloudProvider key
  std::string refusal_;
  bool over_limit_ = false;
  std::string scratch_;
};

}  // namespace

CsamPageParser::CsamPageParser(std::function<void(Asset&&)> on_asset, std::size_t max_bytes,
                               AssetFields fields)
    : on_asset_(std::move(on_asset)),
      fields_(fields),
      text_("CSAM page", max_bytes, kMaxValueBytes) {}

void CsamPageParser::feed(std::string_view bytes) {
  if (finished_) throw std::logic_error("CsamPageParser::feed after finish");
  text_.append(bytes);
}

void CsamPageParser::finish() {
  if (finished_) throw std::logic_error("CsamPageParser::finish called twice");
  finished_ = true;

  CsamEnvelope envelope;
  PageHandler handler(envelope, on_asset_, fields_);
  rapidjson::Reader reader;
  JsonText::Stream stream = text_.stream();
  const rapidjson::ParseResult result = reader.Parse<kCsamParseFlags>(stream, handler);
  text_.clear();
  if (handler.over_limit()) {
    throw FatalError("CSAM page: " + handler.refusal() + " at offset " +
                     std::to_string(result.Offset()) + " (the limit for one key)");
  }
  if (result.IsError()) {
    const std::string reason = result.Code() == rapidjson::kParseErrorTermination
                                   ? handler.refusal()
                                   : rapidjson::GetParseError_En(result.Code());
    throw TransientError("malformed JSON in CSAM page: " + reason + " at offset " +
                         std::to_string(result.Offset()));
  }
  envelope_ = std::move(envelope);
}

}  // namespace qi::qualys
