// Recognising the three "return" shapes Qualys sends where data was expected (any HTTP status):
//   SIMPLE_RETURN/RESPONSE/{CODE,TEXT,ITEM_LIST/ITEM/{KEY,VALUE}}   (API v2 errors,
//   1960/1965/2001…) GENERIC_RETURN/RETURN                                           (internal
//   errors, code "999") ServiceResponse/{responseCode,responseErrorDetails/errorMessage} (QPS REST,
//   INVALID_CREDENTIALS)
// The parsers report them; the client classifies the codes.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "qualys/records.hpp"
#include "xml/sax_handler.hpp"

namespace qi::qualys {

// Parses a small error body (e.g. a 409 or 400 body). Returns nullopt when the body is not a
// complete, well-formed document of one of the three shapes (HTML error page, JSON, truncated).
std::optional<SimpleReturn> parse_simple_return(std::string_view body);

// The incremental builder behind parse_simple_return and every QualysXmlDocument: it is told
// about the element path (root first) and the collected text of the elements it asked for.
class SimpleReturnBuilder {
 public:
  using Path = std::span<const std::string>;

  static bool is_return_root(std::string_view name);

  // Called for every start tag while inside a return document; returns whether the element's
  // text is wanted (then text_of() follows at its end tag).
  bool start(Path path, const xml::Attributes& attributes);
  void text_of(Path path, std::string_view text);
  void end(Path path);

  SimpleReturn& result() { return result_; }

 private:
  SimpleReturn result_;
  std::string key_;
  std::string value_;
};

}  // namespace qi::qualys
