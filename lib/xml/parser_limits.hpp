// The most one construct of an XML document may hold. Owned by whoever builds a PushParser (the
// defaults are what every Qualys parser uses). Each limit bounds memory: either what libxml2
// buffers until the construct ends (it keeps a comment, a CDATA section, a tag or the DOCTYPE
// whole until its last byte arrives) or what a handler collects (the text of a field). With the
// defaults a parse stays within about 16 MiB whatever a server sends (docs/security.md, with the
// measurement). A document over a limit is refused with qi::RefusedDocument, not retried.
//
// Why these values: real Qualys data stays far below each of them. The longest text in a full
// details=All KB is a few hundred KB, the longest element name is under 40 bytes, tags carry a
// few short attributes, and comments are one-line keep-alives
// (kb_single_cve_keepalive.xml). The limits are ten times and more above that, and
// small enough that several of them at once stay far under the service's 32 MiB budget.
// libxml2's own limits stay on behind them (no XML_PARSE_HUGE): 10 MB of unparsed input, 50000-
// byte names; raising a limit here past those has no effect.
#pragma once

#include <cstddef>

namespace qi::xml {

struct ParserLimits {
  // Element nesting (Qualys nests 8 levels at most).
  std::size_t max_depth = 256;
  // The text of one element: its character data and CDATA sections together, summed over all
  // the pieces it arrives in (a comment between them does not split it). A collected field is
  // held whole in memory, so this bounds every record field.
  std::size_t max_text_bytes = std::size_t{4} << 20;
  // One CDATA section, which libxml2 buffers whole until "]]>". A CDATA section is part of a text,
  // so it gets the same room as one.
  std::size_t max_cdata_bytes = std::size_t{4} << 20;
  // One comment or processing instruction, buffered whole until "-->" / "?>".
  std::size_t max_comment_bytes = std::size_t{1} << 20;
  // One start or end tag with all its attributes, buffered whole until its '>'; this is also the
  // limit for one attribute value.
  std::size_t max_tag_bytes = std::size_t{1} << 20;
  // One element or attribute name (libxml2's own limit without XML_PARSE_HUGE is 50000 bytes).
  std::size_t max_name_bytes = 4096;
  // The DOCTYPE declaration with its internal subset, buffered whole until its end. Qualys sends
  // one line (`<!DOCTYPE … SYSTEM "https://….dtd">`).
  std::size_t max_doctype_bytes = std::size_t{1} << 20;
};

}  // namespace qi::xml
