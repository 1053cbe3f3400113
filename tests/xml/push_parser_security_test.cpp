// The parser never loads DTDs, never expands entities, never touches files or the network.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "common/error.hpp"
#include "recording_handler.hpp"
#include "xml/push_parser.hpp"

namespace qi::xml {
namespace {

using testing::RecordingHandler;

// Parses doc; returns the error message ("" when it parsed) and the events.
struct Outcome {
  std::string error;
  bool refused = false;  // RefusedDocument (not retried) rather than TransientError
  std::vector<std::string> events;
};

Outcome parse(std::string_view doc, ParserLimits limits = {}) {
  RecordingHandler h;
  Outcome out;
  try {
    PushParser p(h, limits);
    p.feed(doc);
    p.finish();
  } catch (const RefusedDocument& e) {
    out.error = e.what();
    out.refused = true;
  } catch (const TransientError& e) {
    out.error = e.what();
  }
  out.events = h.events;
  return out;
}

bool any_event_contains(const Outcome& o, std::string_view needle) {
  for (const auto& e : o.events) {
    if (e.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(PushParserSecurity, RefusesBillionLaughsQuicklyWithoutExpanding) {
  std::string doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  doc += "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n";
  for (int i = 2; i <= 9; ++i) {
    doc += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j) doc += "&lol" + std::to_string(i - 1) + ";";
    doc += "\">\n";
  }
  doc += "]>\n<lolz a=\"x\">&lol9;</lolz>";
  const auto start = std::chrono::steady_clock::now();
  const Outcome o = parse(doc);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_NE(o.error.find("refused XML at line"), std::string::npos) << o.error;
  EXPECT_TRUE(o.refused);
  EXPECT_FALSE(any_event_contains(o, "lollol"));
}

TEST(PushParserSecurity, RefusesAnUndeclaredEntityAsContentNotAsADamagedTransfer) {
  // Without a DOCTYPE libxml2 itself reports the undeclared entity; with the external subset every
  // Qualys body has, it only warns and we refuse. Both times the same body would come again.
  const Outcome bare = parse("<A>x &nbsp; y</A>");
  EXPECT_TRUE(bare.refused) << bare.error;
  EXPECT_NE(bare.error.find("Entity 'nbsp' not defined"), std::string::npos) << bare.error;
  const Outcome qualys_shaped =
      parse("<!DOCTYPE A SYSTEM \"https://qualysapi.invalid/a.dtd\"><A>x &nbsp; y</A>");
  EXPECT_TRUE(qualys_shaped.refused) << qualys_shaped.error;
  EXPECT_NE(qualys_shaped.error.find("entity 'nbsp' is not expanded"), std::string::npos)
      << qualys_shaped.error;
}

TEST(PushParserSecurity, KeepsMalformedAndTruncatedDocumentsRetryable) {
  const Outcome malformed = parse("<A><B></C></A>");
  EXPECT_NE(malformed.error.find("malformed XML at line 1"), std::string::npos) << malformed.error;
  EXPECT_FALSE(malformed.refused);
  const Outcome truncated = parse("<A><B>text");
  EXPECT_EQ(truncated.error, "document ended before its root element closed");
  EXPECT_FALSE(truncated.refused);
}

TEST(PushParserSecurity, DoesNotExpandAnEntityUsedInAnAttribute) {
  const Outcome o = parse("<!DOCTYPE A [<!ENTITY e \"expanded\">]><A k=\"&e;\">t</A>");
  EXPECT_FALSE(o.error.empty());
  EXPECT_FALSE(any_event_contains(o, "expanded"));
}

TEST(PushParserSecurity, DoesNotExpandAnInternalEntityEvenWithAnExternalSubset) {
  // Qualys bodies have an external subset; libxml2 then only warns about undefined entities.
  const Outcome o = parse(
      "<!DOCTYPE A SYSTEM \"https://qualysapi.invalid/a.dtd\" [<!ENTITY e \"expanded\">]>"
      "<A>&e;</A>");
  EXPECT_NE(o.error.find("entity 'e' is not expanded"), std::string::npos) << o.error;
  EXPECT_TRUE(o.refused);
  EXPECT_FALSE(any_event_contains(o, "expanded"));
}

TEST(PushParserSecurity, NeverReadsAnExternalEntityFile) {
  const Outcome o = parse(
      "<?xml version=\"1.0\"?><!DOCTYPE A [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
      "<A>&xxe;</A>");
  EXPECT_FALSE(o.error.empty());
  EXPECT_TRUE(o.refused) << o.error;
  EXPECT_FALSE(any_event_contains(o, "root:"));
}

TEST(PushParserSecurity, NeverLoadsParameterEntities) {
  const Outcome o = parse(
      "<?xml version=\"1.0\"?><!DOCTYPE A [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;"
      "<!ENTITY % q \"<!ENTITY r 'expanded'>\"> %q;]><A>&r;</A>");
  EXPECT_FALSE(o.error.empty());
  EXPECT_FALSE(any_event_contains(o, "root:"));
  EXPECT_FALSE(any_event_contains(o, "expanded"));
}

TEST(PushParserSecurity, IgnoresAnHttpsDtdWithoutFetchingIt) {
  // An unroutable address: a fetch attempt would fail or hang; the parse must just succeed.
  const auto start = std::chrono::steady_clock::now();
  const Outcome o = parse("<!DOCTYPE A SYSTEM \"https://192.0.2.1/never.dtd\"><A><B>1</B></A>");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_EQ(o.error, "");
  EXPECT_EQ(o.events, (std::vector<std::string>{"<A>", "<B>", "T:1", "</B>", "</A>"}));
}

TEST(PushParserSecurity, DoesNotApplyDefaultAttributesFromTheInternalSubset) {
  const Outcome o = parse("<!DOCTYPE A [<!ATTLIST A d CDATA \"injected\">]><A/>");
  EXPECT_EQ(o.error, "");
  EXPECT_FALSE(any_event_contains(o, "injected"));
}

TEST(PushParserSecurity, RejectsNestingDeeperThanTheLimit) {
  std::string deep;
  for (int i = 0; i < 300; ++i) deep += "<a>";
  for (int i = 0; i < 300; ++i) deep += "</a>";
  const Outcome o = parse(deep);
  EXPECT_NE(o.error.find("element nesting deeper than 256 levels"), std::string::npos) << o.error;
  EXPECT_TRUE(o.refused);
}

TEST(PushParserSecurity, AcceptsNestingAtTheLimit) {
  std::string doc;
  for (int i = 0; i < 8; ++i) doc += "<a>";
  for (int i = 0; i < 8; ++i) doc += "</a>";
  EXPECT_EQ(parse(doc, ParserLimits{8}).error, "");
  EXPECT_FALSE(parse(doc, ParserLimits{7}).error.empty());
}

}  // namespace
}  // namespace qi::xml
