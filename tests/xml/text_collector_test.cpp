#include "xml/text_collector.hpp"

#include <gtest/gtest.h>

namespace qi::xml {
namespace {

TEST(TextCollector, KeepsCharacterDataVerbatimWithoutCdata) {
  TextCollector c;
  c.text("  Information ");
  c.text("gathering \n");
  EXPECT_EQ(c.take(), "  Information gathering \n");
}

TEST(TextCollector, DropsWhitespaceOnlyRunsAroundCdata) {
  TextCollector c;
  c.text("\n            ");
  c.cdata("https://example.test/?a=1");
  c.text("\n        ");
  EXPECT_EQ(c.take(), "https://example.test/?a=1");
}

TEST(TextCollector, KeepsWhitespaceInsideCdata) {
  TextCollector c;
  c.cdata("  padded ");
  c.cdata("\n");
  EXPECT_EQ(c.take(), "  padded \n");
}

TEST(TextCollector, KeepsNonBlankCharacterDataBesideCdata) {
  TextCollector c;
  c.text(" before ");
  c.cdata("inside");
  c.text(" after");
  EXPECT_EQ(c.take(), " before inside after");
}

TEST(TextCollector, KeepsAWhitespaceOnlyElementWithoutCdata) {
  TextCollector c;
  c.text("   ");
  EXPECT_EQ(c.take(), "   ");
}

TEST(TextCollector, IsEmptyAgainAfterTake) {
  TextCollector c;
  c.cdata("x");
  (void)c.take();
  c.text(" y ");
  EXPECT_EQ(c.take(), " y ");
}

}  // namespace
}  // namespace qi::xml
