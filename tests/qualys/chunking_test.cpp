// Every XML fixture gives the same result whatever the chunking, and no truncation of it before
// its root element closes can pass.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/error.hpp"
#include "parser_test_support.hpp"

namespace qi::qualys {
namespace {

using testing::kind_for;
using testing::summarize_xml;

std::vector<std::string> xml_fixtures() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(QI_FIXTURE_DIR)) {
    if (e.path().extension() == ".xml") names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::size_t root_end(const std::string& doc) {
  for (const char* root :
       {"KNOWLEDGE_BASE_VULN_LIST_OUTPUT", "HOST_LIST_VM_DETECTION_OUTPUT", "HOST_LIST_OUTPUT",
        "SIMPLE_RETURN", "GENERIC_RETURN", "ServiceResponse"}) {
    const std::string close = std::string("</") + root + ">";
    if (auto pos = doc.rfind(close); pos != std::string::npos) return pos + close.size();
  }
  return std::string::npos;
}

class EveryXmlFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryXmlFixture, GivesTheSameResultFedByteByByteOrInChunks) {
  const std::string doc = testing::fixture(GetParam());
  const auto kind = kind_for(GetParam());
  const std::string whole = summarize_xml(kind, doc, SIZE_MAX);
  for (std::size_t chunk :
       {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{300}, std::size_t{4096}}) {
    EXPECT_EQ(summarize_xml(kind, doc, chunk), whole) << "chunk " << chunk;
  }
}

TEST_P(EveryXmlFixture, NeverPassesATruncationBeforeTheRootCloses) {
  const std::string doc = testing::fixture(GetParam());
  const auto kind = kind_for(GetParam());
  const std::string whole = summarize_xml(kind, doc, SIZE_MAX);
  const std::size_t end = root_end(doc);
  ASSERT_NE(end, std::string::npos);
  for (std::size_t n = 0; n < doc.size(); ++n) {
    const std::string_view prefix = std::string_view(doc).substr(0, n);
    if (n < end) {
      EXPECT_THROW(summarize_xml(kind, prefix, SIZE_MAX), TransientError) << "prefix " << n;
    } else {
      // After the root closed only comments and whitespace follow: same result or an error.
      try {
        EXPECT_EQ(summarize_xml(kind, prefix, SIZE_MAX), whole) << "prefix " << n;
      } catch (const TransientError&) {
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, EveryXmlFixture, ::testing::ValuesIn(xml_fixtures()),
                         [](const auto& fixture) {
                           std::string name = fixture.param.substr(0, fixture.param.size() - 4);
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace qi::qualys
