// Every construct is bounded (xml/parser_limits.hpp): one that never ends, or ends past its limit,
// is refused with RefusedDocument after at most one slice more than the limit, however the input
// is split.
#include <gtest/gtest.h>

#include <string>

#include "common/error.hpp"
#include "recording_handler.hpp"
#include "xml/push_parser.hpp"

namespace qi::xml {
namespace {

using testing::RecordingHandler;

struct Refusal {
  std::string message;  // "" when the input was not refused
  std::size_t fed = 0;  // bytes fed before the refusal
};

// Feeds head, then `filler` repeatedly until the parser refuses or `give_up_after` bytes were
// fed (a construct that never ends). The parser must refuse, not grow.
Refusal feed_endless(std::string_view head, std::string_view filler, ParserLimits limits = {},
                     std::size_t give_up_after = std::size_t{16} << 20) {
  RecordingHandler h;
  PushParser p(h, limits);
  Refusal out;
  try {
    p.feed(head);
    out.fed = head.size();
    while (out.fed < give_up_after) {
      p.feed(filler);
      out.fed += filler.size();
    }
  } catch (const RefusedDocument& e) {
    out.message = e.what();
  }
  return out;
}

// A piece of endless input: 64 KiB of `c`, the size of a typical network read.
std::string piece(char c) {
  return std::string(std::size_t{64} << 10, c);
}

constexpr std::string_view kOpen = "<?xml version=\"1.0\"?>\n<A>";

TEST(PushParserLimits, RefusesATextThatNeverEndsSoonAfterItsLimit) {
  const Refusal r = feed_endless(std::string(kOpen) + "<TITLE>", piece('x'));
  EXPECT_NE(r.message.find("the text of <TITLE> longer than 4194304 bytes"), std::string::npos)
      << r.message;
  EXPECT_LE(r.fed, (std::size_t{4} << 20) + (std::size_t{64} << 10) + 100);
}

TEST(PushParserLimits, AcceptsKeepAliveCommentsWithoutEndBetweenElements) {
  ParserLimits limits;
  limits.max_text_bytes = 1000;
  const Refusal r = feed_endless(std::string(kOpen) + "<DATETIME>now</DATETIME>\n",
                                 "<!-- keep-alive -->\n", limits, std::size_t{1} << 20);
  EXPECT_EQ(r.message, "");
}

TEST(PushParserLimits, NamesTheEndTagThatTextWithoutEndFollows) {
  ParserLimits limits;
  limits.max_text_bytes = 1000;
  const Refusal r =
      feed_endless(std::string(kOpen) + "<DATETIME>now</DATETIME>", "x<!-- k -->\n", limits);
  EXPECT_NE(r.message.find("the text after </DATETIME> longer than 1000 bytes"), std::string::npos)
      << r.message;
}

TEST(PushParserLimits, CountsTextAndCdataOfOneElementTogetherAcrossComments) {
  ParserLimits limits;
  limits.max_text_bytes = 1000;
  const Refusal r =
      feed_endless(std::string(kOpen) + "<T>", "abcdefghi<!-- c --><![CDATA[0123456789]]>", limits);
  EXPECT_NE(r.message.find("the text of <T> longer than 1000 bytes"), std::string::npos)
      << r.message;
  EXPECT_LT(r.fed, 3000u);  // 19 bytes of text in every 43
}

TEST(PushParserLimits, AcceptsATextOfExactlyTheLimit) {
  ParserLimits limits;
  limits.max_text_bytes = 1000;
  RecordingHandler h;
  PushParser p(h, limits);
  p.feed("<A><T>" + std::string(1000, 'x') + "</T><T>" + std::string(1000, 'y') + "</T></A>");
  EXPECT_NO_THROW(p.finish());
}

TEST(PushParserLimits, RefusesACommentThatNeverEnds) {
  const Refusal r = feed_endless(std::string(kOpen) + "<!--", piece('c'));
  EXPECT_NE(r.message.find("a comment longer than 1048576 bytes"), std::string::npos) << r.message;
  EXPECT_LE(r.fed, (std::size_t{1} << 20) + (std::size_t{64} << 10) + 100);
}

TEST(PushParserLimits, RefusesACommentThatNeverEndsBeforeTheRootElement) {
  const Refusal r = feed_endless("<?xml version=\"1.0\"?>\n<!--", piece('c'));
  EXPECT_NE(r.message.find("a comment longer than"), std::string::npos) << r.message;
}

TEST(PushParserLimits, RefusesACdataSectionThatNeverEnds) {
  // '>' inside makes libxml2 look at each chunk (it only hands out 300 bytes per chunk then).
  const Refusal r = feed_endless(std::string(kOpen) + "<T><![CDATA[", piece('>'));
  EXPECT_NE(r.message.find("a CDATA section longer than 4194304 bytes"), std::string::npos)
      << r.message;
  EXPECT_LE(r.fed, (std::size_t{4} << 20) + (std::size_t{64} << 10) + 100);
}

TEST(PushParserLimits, RefusesAnElementNameThatNeverEnds) {
  const Refusal r = feed_endless(std::string(kOpen) + "<TITLE", piece('E'));
  EXPECT_NE(r.message.find("an element name longer than 4096 bytes"), std::string::npos)
      << r.message;
  EXPECT_LE(r.fed, std::size_t{128} << 10);
}

TEST(PushParserLimits, RefusesAnAttributeValueThatNeverEnds) {
  const Refusal r = feed_endless(std::string(kOpen) + "<V a=\"", piece('v'));
  EXPECT_NE(r.message.find("a tag with its attributes longer than 1048576 bytes"),
            std::string::npos)
      << r.message;
}

TEST(PushParserLimits, RefusesAProcessingInstructionThatNeverEnds) {
  const Refusal r = feed_endless(std::string(kOpen) + "<?pi ", piece('p'));
  EXPECT_NE(r.message.find("a processing instruction longer than"), std::string::npos) << r.message;
}

TEST(PushParserLimits, RefusesADoctypeThatNeverEnds) {
  const Refusal r = feed_endless("<!DOCTYPE A [<!-- x -->", piece(' '));
  EXPECT_NE(r.message.find("the DOCTYPE declaration longer than"), std::string::npos) << r.message;
}

TEST(PushParserLimits, RefusesALongNameInATagThatArrivesWhole) {
  RecordingHandler h;
  PushParser p(h);
  try {
    p.feed("<A><" + std::string(5000, 'N') + "/></A>");
    p.finish();
    FAIL() << "not refused";
  } catch (const RefusedDocument& e) {
    EXPECT_NE(std::string(e.what()).find("an element name longer than 4096"), std::string::npos)
        << e.what();
  }
}

TEST(PushParserLimits, RefusesALongAttributeNameInATagThatArrivesWhole) {
  RecordingHandler h;
  PushParser p(h);
  try {
    p.feed("<A " + std::string(5000, 'n') + "=\"1\"/>");
    p.finish();
    FAIL() << "not refused";
  } catch (const RefusedDocument& e) {
    EXPECT_NE(std::string(e.what()).find("an attribute name longer than 4096"), std::string::npos)
        << e.what();
  }
}

TEST(PushParserLimits, AcceptsFieldsOfThreeMegabytesAsTextAndAsCdata) {
  // Ten times the longest real KB text; libxml2's own 10 MB limits (XML_PARSE_HUGE off) and ours
  // must both let it through, fed in network-sized pieces.
  const std::string big(std::size_t{3} << 20, 'd');
  const std::string doc = "<!DOCTYPE A SYSTEM \"https://x.invalid/a.dtd\"><A><T>" + big +
                          "</T><C><![CDATA[" + big + "]]></C><!-- " + std::string(900000, 'c') +
                          " --></A>";
  RecordingHandler h;
  PushParser p(h);
  for (std::size_t at = 0; at < doc.size(); at += 16384) {
    p.feed(std::string_view(doc).substr(at, 16384));
  }
  p.finish();
  ASSERT_EQ(h.events.size(), 8u);
  EXPECT_EQ(h.events[2], "T:" + big);
  EXPECT_EQ(h.events[5], "C:" + big);
}

}  // namespace
}  // namespace qi::xml
