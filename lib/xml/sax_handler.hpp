// The callbacks qi::xml::PushParser delivers. Implemented by the Qualys document parsers.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace qi::xml {

struct Attribute {
  std::string_view name;   // local name (no namespace prefix)
  std::string_view value;  // predefined entities and character references decoded
};

// The attributes of one start tag; views are valid only during the start_element call.
class Attributes {
 public:
  Attributes() = default;
  explicit Attributes(std::span<const Attribute> items) : items_(items) {}

  std::optional<std::string_view> find(std::string_view name) const {
    for (const Attribute& a : items_) {
      if (a.name == name) return a.value;
    }
    return std::nullopt;
  }
  std::span<const Attribute> items() const { return items_; }

 private:
  std::span<const Attribute> items_;
};

// SAX events of one document. Names are local names. Text may arrive in several pieces, split
// anywhere (chunk boundaries, libxml2's internal 300-byte blocks); views are valid only during
// the call. Comments, processing instructions and the DOCTYPE produce no events.
// Any exception thrown from a callback stops the parser and propagates out of feed()/finish().
class SaxHandler {
 public:
  virtual ~SaxHandler() = default;

  virtual void start_element(std::string_view name, const Attributes& attributes) = 0;
  virtual void end_element(std::string_view name) = 0;
  // Character data, with predefined entities (&amp; &lt; &gt; &quot; &apos;) and character
  // references decoded.
  virtual void text(std::string_view data) = 0;
  // The content of a CDATA section, verbatim: Qualys HTML-escapes text before wrapping it in
  // CDATA (`doesn&apos;t` in hld_two_hosts.xml), so nothing is decoded here.
  // Handlers that do not care about the difference get it as text().
  virtual void cdata(std::string_view data) { text(data); }
};

}  // namespace qi::xml
