// A SaxHandler that records events as a compact trace, merging adjacent text pieces of the same
// kind so that traces do not depend on how libxml2 or the caller split the input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "xml/push_parser.hpp"

namespace qi::xml::testing {

class RecordingHandler : public SaxHandler {
 public:
  void start_element(std::string_view name, const Attributes& attributes) override;
  void end_element(std::string_view name) override;
  void text(std::string_view data) override;
  void cdata(std::string_view data) override;

  // "<A k=v>", "</A>", "T:text", "C:cdata"
  std::vector<std::string> events;

 private:
  void append(std::string_view prefix, std::string_view data);
};

std::vector<std::string> parse_whole(std::string_view doc);
std::vector<std::string> parse_byte_by_byte(std::string_view doc);

}  // namespace qi::xml::testing
