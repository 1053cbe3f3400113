// Fuzz target: the CSAM v2 search page parser (lib/qualys/csam_page_parser.cpp, RapidJSON).
// Every extra field collected (AssetFields), which walks every path the default parse walks and
// more. Two chunks cut where the first byte says, then finish(); qi::Error (TransientError for
// malformed JSON, FatalError for a wrongly typed ID or a limit) is the expected rejection. Every
// text value handed over must be UTF-8 without NUL (what the CSV files receive).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "common/error.hpp"
#include "fuzz_input.hpp"
#include "qualys/csam_page_parser.hpp"

namespace {

// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF) without NUL.
bool is_csv_text(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t code = 0;
    if (c >= 0xC2 && c <= 0xDF)
      length = 2, code = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
      length = 3, code = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
      length = 4, code = c & 0x07;
    else
      return false;
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    const std::uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < least[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

void check_text(const qi::qualys::Asset& a) {
  std::vector<const std::string*> texts = {&a.asset_uuid,
                                           &a.address,
                                           &a.asset_name,
                                           &a.netbios_name,
                                           &a.last_logged_on_user,
                                           &a.bios_serial_number,
                                           &a.bios_asset_tag,
                                           &a.os_full_name,
                                           &a.os_category1,
                                           &a.os_category2,
                                           &a.hw_full_name,
                                           &a.hw_category1,
                                           &a.hw_category2,
                                           &a.last_modified_date,
                                           &a.created_date,
                                           &a.dns_name,
                                           &a.agent_id,
                                           &a.cloud_provider,
                                           &a.instance_id};
  for (const std::string& tag : a.tags) texts.push_back(&tag);
  if (a.tags.size() > qi::qualys::CsamPageParser::kMaxTagsPerAsset) {
    std::fprintf(stderr, "invariant violated: asset %lld has more tags than the limit\n",
                 static_cast<long long>(a.asset_id));
    std::abort();
  }
  for (const std::string* text : texts) {
    if (!is_csv_text(*text)) {
      std::fprintf(stderr,
                   "invariant violated: asset %lld has a value that is not UTF-8 "
                   "without NUL\n",
                   static_cast<long long>(a.asset_id));
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [first, second] = qi::fuzz::split_by_first_byte(qi::fuzz::as_text(data, size));
  std::size_t emitted = 0;
  try {
    qi::qualys::CsamPageParser parser(
        [&emitted](qi::qualys::Asset&& asset) {
          check_text(asset);
          ++emitted;
        },
        qi::qualys::AssetFields{.tags = true, .last_check_in = true, .cloud = true});
    parser.feed(first);
    parser.feed(second);
    parser.finish();
    if (parser.envelope().assets != emitted) {
      std::fprintf(stderr, "invariant violated: envelope counts %zu assets, %zu emitted\n",
                   parser.envelope().assets, emitted);
      std::abort();
    }
  } catch (const qi::Error&) {
  }
  return 0;
}
