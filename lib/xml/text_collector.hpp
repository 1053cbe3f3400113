// Collects the text of one element, applying the rule for whitespace around CDATA sections.
// Owned by a document parser while it is inside an element whose text it wants.
//
// The rule: if an element contains at least one CDATA section, character data OUTSIDE CDATA
// sections that consists only of XML whitespace (space, tab, CR, LF) is dropped, where the
// character data between two CDATA sections / the element's tags counts as one run (comments do
// not split it). Everything else is kept verbatim, in document order: CDATA content as-is, and
// an element without CDATA keeps all its character data (no trimming).
// Why: pretty-printed Qualys bodies put newlines and indentation around CDATA
// (`<URL>\n   <![CDATA[https://…]]>\n   </URL>` in host_list_truncated_warning.xml), and
// that padding is not part of the value; whitespace INSIDE the CDATA is.
//
// A value longer than max_bytes (ParserLimits::max_text_bytes) is refused with
// qi::RefusedDocument: the collector is what holds a field in memory, including the text of
// child elements, which the parser's own per-element count does not add up.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "xml/parser_limits.hpp"

namespace qi::xml {

class TextCollector {
 public:
  explicit TextCollector(std::size_t max_bytes = ParserLimits{}.max_text_bytes)
      : max_bytes_(max_bytes) {}

  void text(std::string_view data);
  void cdata(std::string_view data);
  // The element's value; the collector is empty again afterwards.
  std::string take();
  void reset();

 private:
  void settle_pending();
  void make_room(std::size_t bytes) const;

  std::size_t max_bytes_;
  std::string value_;
  // The current run of character data while it is whitespace only (it may yet be padding around
  // a CDATA section); a run with other characters goes straight to value_, so a long field is
  // held once, not twice.
  std::string pending_;
  bool pending_blank_ = true;  // the current run is whitespace only (and held in pending_)
  bool saw_cdata_ = false;
};

}  // namespace qi::xml
