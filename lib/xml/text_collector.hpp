// Collects the text of one element, applying the rule for whitespace around CDATA sections.
// Owned by a document parser while it is inside an element whose text it wants.
//
// The rule: if an element contains at least one CDATA section, character data OUTSIDE CDATA
// sections that consists only of XML whitespace (space, tab, CR, LF) is dropped, where the
// character data between two CDATA sections / the element's tags counts as one run (comments do
// not split it). Everything else is kept verbatim, in document order: CDATA content as-is, and
// an element without CDATA keeps all its character data (no trimming).
// Why: pretty-printed Qualys bodies put newlines and indentation around CDATA
// (`<URL>\n   <![CDATA[https://…]]>\n   </URL>` in host_list_truncated_warning_guide.xml), and
// that padding is not part of the value; whitespace INSIDE the CDATA is.
#pragma once

#include <string>
#include <string_view>

namespace qi::xml {

class TextCollector {
 public:
  void text(std::string_view data);
  void cdata(std::string_view data);
  // The element's value; the collector is empty again afterwards.
  std::string take();
  void reset();

 private:
  void settle_pending();

  std::string value_;
  std::string pending_;        // character data since the last CDATA section
  bool pending_blank_ = true;  // pending_ is whitespace only
  bool saw_cdata_ = false;
};

}  // namespace qi::xml
