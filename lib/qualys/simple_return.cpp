#include "qualys/simple_return.hpp"

#include <algorithm>
#include <utility>

#include "common/error.hpp"
#include "qualys/qualys_xml_document.hpp"

namespace qi::qualys {
namespace {

constexpr std::string_view kBlank = " \t\r\n";

// simple_return_1960_concurrency_http409.xml has " This API…" with a leading space.
std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(kBlank);
  if (first == std::string_view::npos) return {};
  return std::string(s.substr(first, s.find_last_not_of(kBlank) - first + 1));
}

bool path_is(SimpleReturnBuilder::Path path, std::initializer_list<std::string_view> names) {
  return path.size() == names.size() && std::equal(names.begin(), names.end(), path.begin());
}

// Accepts any root; only the return shapes fill simple_return().
class ReturnOnlyDocument final : public QualysXmlDocument {
 public:
  ReturnOnlyDocument() : QualysXmlDocument({}) {}

 private:
  bool on_start(Path) override { return false; }
};

}  // namespace

bool SimpleReturnBuilder::is_return_root(std::string_view name) {
  return name == "SIMPLE_RETURN" || name == "GENERIC_RETURN" || name == "ServiceResponse";
}

bool SimpleReturnBuilder::start(Path path, const xml::Attributes& attributes) {
  if (path.size() == 1 && path[0] == "GENERIC_RETURN") {
    // GENERIC_RETURN has no CODE; Qualys's own TA treats it as the internal error 999.
    result_.code = "999";
    return false;
  }
  if (path_is(path, {"GENERIC_RETURN", "RETURN"})) {
    if (auto number = attributes.find("number"); number && !trim(*number).empty()) {
      result_.code = trim(*number);
    }
    return true;
  }
  if (path_is(path, {"SIMPLE_RETURN", "RESPONSE", "ITEM_LIST", "ITEM"})) {
    key_.clear();
    value_.clear();
    return false;
  }
  return path_is(path, {"SIMPLE_RETURN", "RESPONSE", "CODE"}) ||
         path_is(path, {"SIMPLE_RETURN", "RESPONSE", "TEXT"}) ||
         path_is(path, {"SIMPLE_RETURN", "RESPONSE", "ITEM_LIST", "ITEM", "KEY"}) ||
         path_is(path, {"SIMPLE_RETURN", "RESPONSE", "ITEM_LIST", "ITEM", "VALUE"}) ||
         path_is(path, {"ServiceResponse", "responseCode"}) ||
         path_is(path, {"ServiceResponse", "responseErrorDetails", "errorMessage"});
}

void SimpleReturnBuilder::text_of(Path path, std::string_view text) {
  const std::string_view leaf = path.back();
  if (path[0] == "SIMPLE_RETURN") {
    if (leaf == "CODE")
      result_.code = trim(text);
    else if (leaf == "TEXT")
      result_.text = trim(text);
    else if (leaf == "KEY")
      key_ = trim(text);
    else if (leaf == "VALUE")
      value_ = trim(text);
  } else if (path[0] != "GENERIC_RETURN" && leaf == "responseCode") {
    result_.code = trim(text);
  } else {
    result_.text = trim(text);
  }
}

void SimpleReturnBuilder::end(Path path) {
  if (path_is(path, {"SIMPLE_RETURN", "RESPONSE", "ITEM_LIST", "ITEM"})) {
    result_.items.emplace_back(std::move(key_), std::move(value_));
    key_.clear();
    value_.clear();
  }
}

std::optional<SimpleReturn> parse_simple_return(std::string_view body) {
  try {
    ReturnOnlyDocument doc;
    doc.feed(body);
    doc.finish();
    return doc.simple_return();
  } catch (const qi::Error&) {
    return std::nullopt;  // not a complete, well-formed document: not a return shape
  }
}

}  // namespace qi::qualys
