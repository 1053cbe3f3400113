#include "xml/text_collector.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

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

TEST(TextCollector, RefusesAValueLongerThanItsLimitWhateverThePieces) {
  // The parser counts the text between two tags; the collector also adds up child elements'
  // text, which is what it holds in memory.
  TextCollector c(10);
  c.text("12345");
  c.cdata("678");
  EXPECT_THROW(c.text("9ab"), RefusedDocument);
}

TEST(TextCollector, CountsWhitespaceItMayStillDropTowardsTheLimit) {
  TextCollector c(10);
  c.text("     ");
  EXPECT_THROW(c.text("      "), RefusedDocument);
}

TEST(TextCollector, AcceptsAValueOfExactlyItsLimit) {
  TextCollector c(10);
  c.text("12345");
  c.cdata("67890");
  EXPECT_EQ(c.take(), "1234567890");
}

TEST(TextCollector, KeepsABlankRunThatTurnsNonBlankWholeBesideCdata) {
  TextCollector c;
  c.cdata("a");
  c.text("  ");
  c.text(" b ");
  c.text("\n");
  c.cdata("c");
  EXPECT_EQ(c.take(), "a   b \nc");
}

}  // namespace
}  // namespace qi::xml
