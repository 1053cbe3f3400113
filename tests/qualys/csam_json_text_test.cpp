// What the CSAM parsers make of hostile or odd JSON text: the size limits (one page, one string,
// one key, one number), UTF-16 escapes UTF-8 cannot hold, NUL, and a UTF-8 byte order mark.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "parser_test_support.hpp"
#include "qualys/csam_count.hpp"
#include "qualys/csam_page_parser.hpp"

namespace qi::qualys {
namespace {

using testing::fixture;
using testing::parse_assets;

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string page_with_name(std::string_view json_name) {
  return R"({"responseCode":"SUCCESS","assetListData":{"asset":[{"assetId":1,"assetName":")" +
         std::string(json_name) + R"("}]}})";
}

std::string name_of(std::string_view json_name) {
  const auto assets = parse_assets(page_with_name(json_name));
  if (assets.size() != 1) return "<no asset>";
  return assets[0].asset_name;
}

template <typename E>
std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("other exception: ") + e.what();
  }
  return "no exception";
}

TEST(CsamJsonText, ReplacesALoneLowSurrogateEscapeWithTheReplacementCharacter) {
  EXPECT_EQ(name_of(R"(a\udc00b)"),
            "a\xEF\xBF\xBD"
            "b");
}

TEST(CsamJsonText, ReplacesALoneHighSurrogateEscapeWithTheReplacementCharacter) {
  EXPECT_EQ(name_of(R"(a\ud800b)"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(name_of(R"(a\ud800)"), "a\xEF\xBF\xBD");
  EXPECT_EQ(name_of(R"(\ud800\n)"), "\xEF\xBF\xBD\n");
  EXPECT_EQ(name_of(R"(\ud800\u0041)"),
            "\xEF\xBF\xBD"
            "A");
  EXPECT_EQ(name_of(R"(\udbff\udbff\udc00)"), "\xEF\xBF\xBD\xF4\x8F\xB0\x80");
}

TEST(CsamJsonText, KeepsAValidSurrogatePair) {
  EXPECT_EQ(name_of(R"(\ud83d\ude00)"), "\xF0\x9F\x98\x80");
}

TEST(CsamJsonText, LeavesAnEscapedBackslashBeforeUAlone) {
  EXPECT_EQ(name_of(R"(\\udc00)"), R"(\udc00)");
}

TEST(CsamJsonText, RepairsASurrogateEscapeSplitAcrossFeeds) {
  const std::string page = page_with_name(R"(x\udc00y\ud800)");
  for (std::size_t chunk : {1u, 2u, 3u, 5u}) {
    const auto assets = parse_assets(page, chunk);
    ASSERT_EQ(assets.size(), 1u) << chunk;
    EXPECT_EQ(assets[0].asset_name, "x\xEF\xBF\xBDy\xEF\xBF\xBD") << chunk;
  }
}

TEST(CsamJsonText, DropsNulFromStrings) {
  EXPECT_EQ(name_of(R"(a\u0000b\u0000)"), "ab");
}

TEST(CsamJsonText, AcceptsAUtf8ByteOrderMarkBeforeThePage) {
  const std::string page = std::string(kBom) + fixture("csam_page_last.json");
  for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, SIZE_MAX}) {
    const auto assets = parse_assets(page, chunk);
    ASSERT_EQ(assets.size(), 1u) << chunk;
    EXPECT_EQ(assets[0].asset_id, 12345) << chunk;
  }
}

TEST(CsamJsonText, AcceptsAUtf8ByteOrderMarkBeforeTheCount) {
  EXPECT_EQ(parse_csam_count(std::string(kBom) + R"({"count":7})").count, 7);
}

TEST(CsamJsonText, StillRejectsInvalidUtf8Bytes) {
  const auto message = message_of<TransientError>([] { name_of("a\xED\xA0\x80"); });
  EXPECT_EQ(message.rfind("malformed JSON in CSAM page: Invalid encoding in string.", 0), 0u)
      << message;
}

TEST(CsamJsonText, RejectsAPageOverEightMebibytesWhileItArrives) {
  CsamPageParser parser([](Asset&&) {});
  parser.feed(R"({"padding":[)");
  const std::string filler(64 * 1024, ' ');
  const auto message = message_of<FatalError>([&] {
    for (int i = 0; i < 200; ++i) parser.feed(filler);
  });
  EXPECT_EQ(message, "CSAM page larger than 8388608 bytes (the limit for one CSAM page)");
}

TEST(CsamJsonText, RejectsAStringOverOneMebibyteWhileItArrives) {
  CsamPageParser parser([](Asset&&) {});
  parser.feed(R"({"assetListData":{"asset":[{"assetId":1,"assetName":")");
  const std::string filler(64 * 1024, 's');
  const auto message = message_of<FatalError>([&] {
    for (int i = 0; i < 20; ++i) parser.feed(filler);
  });
  EXPECT_EQ(message,
            "CSAM page: a JSON string or number longer than 1048576 bytes at offset 52 "
            "(the limit for one value)");
}

TEST(CsamJsonText, RejectsANumberOverOneMebibyteWhileItArrives) {
  CsamPageParser parser([](Asset&&) {});
  parser.feed(R"({"count":1)");
  const std::string filler(64 * 1024, '0');
  const auto message = message_of<FatalError>([&] {
    for (int i = 0; i < 20; ++i) parser.feed(filler);
  });
  EXPECT_EQ(message,
            "CSAM page: a JSON string or number longer than 1048576 bytes at offset 9 "
            "(the limit for one value)");
}

TEST(CsamJsonText, RejectsAKeyOverOneKibibyte) {
  const std::string page = "{\"" + std::string(1025, 'k') + "\":1}";
  const auto message = message_of<FatalError>([&] { parse_assets(page); });
  EXPECT_EQ(message,
            "CSAM page: a JSON key longer than 1024 bytes at offset 1028 "
            "(the limit for one key)");
  EXPECT_EQ(parse_assets("{\"" + std::string(1024, 'k') + "\":1}").size(), 0u);
}

TEST(CsamJsonText, HandsOverEachAssetWhenItsObjectCloses) {
  // Held until the end, a page of many tiny assets would cost ~40 times its size in memory.
  std::size_t emitted = 0;
  CsamPageParser parser([&](Asset&&) { ++emitted; });
  parser.feed(R"({"assetListData":{"asset":[{"assetId":1},{"assetId":2},{"assetId":)");
  EXPECT_THROW(parser.finish(), TransientError);
  EXPECT_EQ(emitted, 2u);
}

}  // namespace
}  // namespace qi::qualys
