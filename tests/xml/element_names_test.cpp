#include "xml/element_names.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace qi::xml {
namespace {

TEST(ElementNames, NumbersTheNamesFromOneInTheOrderGiven) {
  const ElementNames names{"RESPONSE", "VULN_LIST", "VULN"};
  EXPECT_EQ(names.find("RESPONSE"), 1);
  EXPECT_EQ(names.find("VULN_LIST"), 2);
  EXPECT_EQ(names.find("VULN"), 3);
  EXPECT_EQ(names.name(2), "VULN_LIST");
}

TEST(ElementNames, GivesOtherForANameOutsideTheVocabulary) {
  const ElementNames names{"QID", "ID"};
  EXPECT_EQ(names.find("CVE"), ElementNames::kOther);
  EXPECT_EQ(names.find(""), ElementNames::kOther);
  EXPECT_EQ(names.find("qid"), ElementNames::kOther);  // XML names are case-sensitive
  EXPECT_EQ(names.find("QID "), ElementNames::kOther);
  EXPECT_EQ(names.find("QI"), ElementNames::kOther);
  EXPECT_EQ(names.name(ElementNames::kOther), "");
  EXPECT_EQ(names.name(99), "");
}

TEST(ElementNames, FindsEveryNameOfALargeVocabularyDespiteHashCollisions) {
  // Same length, same first, middle and last characters: they all hash alike.
  std::vector<std::string> storage;
  for (char c = 'A'; c <= 'Z'; ++c) storage.push_back(std::string("X") + c + "MX" + c + "X");
  const ElementNames names{storage[0],  storage[1],  storage[2],  storage[3],  storage[4],
                           storage[5],  storage[6],  storage[7],  storage[8],  storage[9],
                           storage[10], storage[11], storage[12], storage[13], storage[14]};
  for (std::size_t i = 0; i < 15; ++i) EXPECT_EQ(names.find(storage[i]), i + 1) << storage[i];
  for (std::size_t i = 15; i < storage.size(); ++i) {
    EXPECT_EQ(names.find(storage[i]), ElementNames::kOther) << storage[i];
  }
}

TEST(ElementNames, MatchesAViewIntoAnyBuffer) {
  const ElementNames names{"HOST"};
  const std::string buffer = "<HOST_LIST><HOST>";
  EXPECT_EQ(names.find(std::string_view(buffer).substr(12, 4)), 1);
  EXPECT_EQ(names.find(std::string_view(buffer).substr(1, 9)), ElementNames::kOther);
}

TEST(ElementNames, RefusesDuplicateOrEmptyNames) {
  EXPECT_THROW((ElementNames{"ID", "ID"}), std::logic_error);
  EXPECT_THROW((ElementNames{""}), std::logic_error);
}

TEST(ElementNames, AnEmptyVocabularyKnowsNoName) {
  const ElementNames names{};
  EXPECT_EQ(names.find("RESPONSE"), ElementNames::kOther);
}

}  // namespace
}  // namespace qi::xml
