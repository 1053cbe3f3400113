// A streaming XML push parser over libxml2's SAX2 interface, locked down for untrusted input.
// Owned by whoever parses one HTTP body: feed() the bytes as they arrive, then finish().
//
// What it guarantees (tests/xml/push_parser_security_test.cpp):
//  - no DTD is ever loaded (every Qualys body has `<!DOCTYPE … SYSTEM "https://….dtd">`), no
//    network or file access, no entity is ever expanded: entity declarations are not stored, and
//    a reference to any entity other than the five predefined ones is an error (billion laughs,
//    external and parameter entities are bounded in time and memory);
//  - no construct grows past its ParserLimits (xml/parser_limits.hpp): memory stays bounded
//    whatever the input, including a comment, CDATA section, tag or text that never ends;
//  - a document refused for what it contains — an entity reference, a construct over a limit,
//    nesting deeper than ParserLimits::max_depth — → qi::RefusedDocument("refused XML at line L:
//    …"): the same request would get the same document, so it is not worth retrying;
//  - malformed XML (including invalid UTF-8) → qi::TransientError("malformed XML at line L: …"):
//    it may be a damaged or cut transfer;
//  - finish() without the root element closed → qi::TransientError("document ended before its
//    root element closed"): a truncated transfer never passes as a short document;
//  - libxml2 never prints to stderr (errors go to a per-context structured handler);
//  - an exception thrown by the SaxHandler propagates out of feed()/finish() unchanged.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "xml/parser_limits.hpp"
#include "xml/sax_handler.hpp"

namespace qi::xml {

class PushParser {
 public:
  explicit PushParser(SaxHandler& handler, ParserLimits limits = {});
  ~PushParser();
  PushParser(const PushParser&) = delete;
  PushParser& operator=(const PushParser&) = delete;

  // Parses the next bytes of the document. Throws on malformed or refused input or a handler
  // exception; after a throw the parser is unusable (further calls throw the same error again).
  void feed(std::string_view bytes);
  // Ends the document: throws when it is malformed or its root element is not closed.
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qi::xml
