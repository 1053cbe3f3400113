#include "xml/push_parser.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <exception>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace qi::xml {
namespace {

// xmlParseChunk takes an int size, and libxml2 2.9 rejects more than 10 MB of unconsumed input
// at once ("Huge input lookup") without XML_PARSE_HUGE; feeding in slices keeps both away. A
// construct over its limit is noticed after the slice that crossed it, so libxml2 holds at most
// one slice more than the limit.
constexpr std::size_t kSliceBytes = std::size_t{1} << 20;

std::string_view as_view(const xmlChar* s) {
  return s == nullptr ? std::string_view{} : std::string_view(reinterpret_cast<const char*>(s));
}

std::string_view as_view(const xmlChar* s, int len) {
  return std::string_view(reinterpret_cast<const char*>(s), static_cast<std::size_t>(len));
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

struct PushParser::Impl {
  Impl(SaxHandler& h, ParserLimits l) : handler(h), limits(l) {}
  ~Impl() {
    if (ctxt == nullptr) return;
    // "For expat compatibility in SAX mode" libxml2 2.9 stores <!ENTITY> declarations in a fake
    // document (ctxt->myDoc, version "SAX compatibility mode document") even without an
    // entityDecl handler. We never look entities up there (getEntity returns null and userData is
    // not the context, so libxml2's own fallback lookup is skipped), but we must free it.
    if (ctxt->myDoc != nullptr) xmlFreeDoc(ctxt->myDoc);
    xmlFreeParserCtxt(ctxt);
  }

  SaxHandler& handler;
  ParserLimits limits;
  xmlParserCtxtPtr ctxt = nullptr;
  std::size_t depth = 0;
  std::size_t text_bytes = 0;  // character data and CDATA since the last tag
  std::size_t run_bytes = 0;   // of those, since the last comment
  bool run_blank = true;       // that run is XML whitespace only (no CDATA)
  std::string element;         // the element whose tag came last (for messages)
  bool after_end_tag = false;  // that tag was its end tag
  bool root_opened = false;
  bool root_closed = false;
  bool finished = false;
  bool stopped = false;        // no more callbacks are delivered to the handler
  std::exception_ptr pending;  // thrown by the handler inside a libxml2 callback
  std::string error;           // first fatal error ("malformed XML at line L: …")
  bool refused = false;        // error is a refusal (RefusedDocument), not damage
  std::vector<Attribute> attributes;
  std::vector<std::string> decoded_values;  // storage for attribute values we had to rewrite

  int line() const { return (ctxt != nullptr && ctxt->input != nullptr) ? ctxt->input->line : 0; }

  // Records a refusal of the document's content (limits, entity references) and stops libxml2.
  void refuse(const std::string& what) {
    if (error.empty()) {
      error = "refused XML at line " + std::to_string(line()) + ": " + what;
      refused = true;
    }
    stop();
  }

  void refuse_over_limit(const std::string& what, std::size_t limit) {
    refuse(what + " longer than " + std::to_string(limit) +
           " bytes, the limit for one such construct (docs/security.md); real Qualys data stays "
           "far below it, so check what answers at this address (server, proxy)");
  }

  [[noreturn]] void raise() const {
    if (refused) throw RefusedDocument(error);
    throw TransientError(error);
  }

  // After each chunk: libxml2 keeps an unfinished comment, CDATA section, tag, processing
  // instruction or DOCTYPE whole in its input buffer (and re-scans it for the end on every chunk),
  // so what it holds unparsed is exactly what a construct that never ends would grow.
  void check_held() {
    const xmlParserInputPtr in = ctxt->input;
    if (stopped || in == nullptr || in->cur == nullptr || in->end == nullptr) return;
    const auto held = static_cast<std::size_t>(in->end - in->cur);
    if (held <= smallest_held_limit()) return;
    const std::string_view at(reinterpret_cast<const char*>(in->cur), held);
    if (ctxt->instate == XML_PARSER_CDATA_SECTION) {
      if (held > limits.max_cdata_bytes)
        refuse_over_limit("a CDATA section", limits.max_cdata_bytes);
    } else if (ctxt->instate == XML_PARSER_DTD || ctxt->progressive == XML_PARSER_DTD ||
               at.starts_with("<!DOCTYPE")) {
      if (held > limits.max_doctype_bytes) {
        refuse_over_limit("the DOCTYPE declaration", limits.max_doctype_bytes);
      }
    } else if (at.starts_with("<!--")) {
      if (held > limits.max_comment_bytes) refuse_over_limit("a comment", limits.max_comment_bytes);
    } else if (at.starts_with("<?")) {
      if (held > limits.max_comment_bytes) {
        refuse_over_limit("a processing instruction", limits.max_comment_bytes);
      }
    } else if (at.starts_with("<")) {
      const std::string_view name =
          at.substr(at.starts_with("</") ? 2 : 1, limits.max_name_bytes + 1);
      if (name.size() > limits.max_name_bytes &&
          name.find_first_of(" \t\r\n/>") == std::string_view::npos) {
        refuse_over_limit("an element name", limits.max_name_bytes);
      } else if (held > limits.max_tag_bytes) {
        refuse_over_limit("a tag with its attributes", limits.max_tag_bytes);
      }
    } else if (at.starts_with("&")) {
      if (held > limits.max_name_bytes) refuse_over_limit("an entity name", limits.max_name_bytes);
    } else if (held > limits.max_comment_bytes) {
      refuse_over_limit("unfinished markup", limits.max_comment_bytes);
    }
  }

  std::size_t smallest_held_limit() const {
    return std::min({limits.max_cdata_bytes, limits.max_doctype_bytes, limits.max_comment_bytes,
                     limits.max_tag_bytes, limits.max_name_bytes});
  }

  void count_text(std::string_view data, bool cdata) {
    text_bytes += data.size();
    run_bytes += data.size();
    run_blank = run_blank && !cdata && data.find_first_not_of(" \t\r\n") == std::string_view::npos;
    if (text_bytes > limits.max_text_bytes) {
      refuse_over_limit((after_end_tag ? "the text after </" : "the text of <") + element + ">",
                        limits.max_text_bytes);
    }
  }

  void stop() {
    stopped = true;
    if (ctxt != nullptr) xmlStopParser(ctxt);
  }

  // Runs a handler call; a C++ exception must never unwind through libxml2's C frames, so it is
  // parked here and rethrown by check() once xmlParseChunk has returned.
  template <typename F>
  void guarded(F&& f) {
    if (stopped) return;
    try {
      f();
    } catch (...) {
      pending = std::current_exception();
      stop();
    }
  }

  void check() {
    if (pending) {
      std::exception_ptr p = pending;
      pending = nullptr;
      error = "XML parser stopped by an earlier error";
      std::rethrow_exception(p);
    }
    if (error.empty() && ctxt->wellFormed == 0) {
      error = "malformed XML at line " + std::to_string(line()) + ": not well-formed";
    }
    if (!error.empty()) raise();
  }

  // ---- libxml2 callbacks (ctx is the Impl, passed as the context's userData) ----

  static void on_start(void* ctx, const xmlChar* localname, const xmlChar* /*prefix*/,
                       const xmlChar* /*uri*/, int /*nb_namespaces*/,
                       const xmlChar** /*namespaces*/, int nb_attributes, int nb_defaulted,
                       const xmlChar** attrs) {
    auto* self = static_cast<Impl*>(ctx);
    if (self->stopped) return;
    if (++self->depth > self->limits.max_depth) {
      self->refuse("element nesting deeper than " + std::to_string(self->limits.max_depth) +
                   " levels");
      return;
    }
    // libxml2 parses a tag that arrived whole in one chunk before check_held() sees it.
    const std::string_view name = as_view(localname);
    const auto too_long = [&](std::string_view n) {
      return n.size() > self->limits.max_name_bytes;
    };
    bool long_attribute_name = false;
    for (int i = 0; i < nb_attributes; ++i) long_attribute_name |= too_long(as_view(attrs[i * 5]));
    if (too_long(name) || long_attribute_name) {
      self->refuse_over_limit(too_long(name) ? "an element name" : "an attribute name",
                              self->limits.max_name_bytes);
      return;
    }
    self->root_opened = true;
    self->text_bytes = 0;
    self->new_text_run();
    self->element.assign(name);
    self->after_end_tag = false;
    self->guarded([&] {
      self->attributes.clear();
      self->decoded_values.clear();
      // SAX2 passes 5 pointers per attribute: localname, prefix, URI, value, end of value. The
      // last nb_defaulted ones come from ATTLIST defaults in the DOCTYPE, not from the tag:
      // a body cannot inject values through its internal subset, so they are skipped.
      const int given = nb_attributes - nb_defaulted;
      self->decoded_values.reserve(static_cast<std::size_t>(given));
      for (int i = 0; i < given; ++i) {
        const xmlChar** a = attrs + static_cast<std::ptrdiff_t>(i) * 5;
        std::string_view value = as_view(a[3], static_cast<int>(a[4] - a[3]));
        // Without entity substitution libxml2 re-encodes '&' (from &amp; or &#38;) as "&#38;"
        // in attribute values; a bare '&' cannot occur in well-formed input, so decode it back.
        if (value.find("&#38;") != std::string_view::npos) {
          std::string& d = self->decoded_values.emplace_back();
          for (std::size_t pos = 0; pos < value.size();) {
            if (value.compare(pos, 5, "&#38;") == 0) {
              d += '&';
              pos += 5;
            } else {
              d += value[pos++];
            }
          }
          value = d;
        }
        self->attributes.push_back({as_view(a[0]), value});
      }
      self->handler.start_element(as_view(localname), Attributes(self->attributes));
    });
  }

  static void on_end(void* ctx, const xmlChar* localname, const xmlChar* /*prefix*/,
                     const xmlChar* /*uri*/) {
    auto* self = static_cast<Impl*>(ctx);
    if (self->stopped) return;
    if (self->depth > 0 && --self->depth == 0) self->root_closed = true;
    self->text_bytes = 0;
    self->new_text_run();
    self->element.assign(as_view(localname));
    self->after_end_tag = true;
    self->guarded([&] { self->handler.end_element(as_view(localname)); });
  }

  void new_text_run() {
    run_bytes = 0;
    run_blank = true;
  }

  // Qualys holds slow answers open with keep-alive comments between elements, each followed by a
  // newline, for as long as it needs: whitespace between two comments is no field and does not
  // count. Anything else between comments still adds up to the element's text limit.
  static void on_comment(void* ctx, const xmlChar* /*value*/) {
    auto* self = static_cast<Impl*>(ctx);
    if (self->run_blank) self->text_bytes -= self->run_bytes;
    self->new_text_run();
  }

  static void on_characters(void* ctx, const xmlChar* ch, int len) {
    auto* self = static_cast<Impl*>(ctx);
    if (self->depth == 0 || self->stopped) return;  // whitespace around the root element
    self->count_text(as_view(ch, len), false);
    self->guarded([&] { self->handler.text(as_view(ch, len)); });
  }

  static void on_cdata(void* ctx, const xmlChar* value, int len) {
    auto* self = static_cast<Impl*>(ctx);
    if (self->stopped) return;
    self->count_text(as_view(value, len), true);
    self->guarded([&] { self->handler.cdata(as_view(value, len)); });
  }

  // Called for a reference to an entity that is not one of the five predefined ones (we never
  // store declarations, so none is defined). libxml2 only warns when the document has an external
  // subset (every Qualys body does); we refuse such documents rather than drop text silently.
  static void on_reference(void* ctx, const xmlChar* name) {
    static_cast<Impl*>(ctx)->refuse("entity '" + std::string(as_view(name)) +
                                    "' is not expanded (only the predefined XML entities are)");
  }

  // No entity is ever resolved: not from declarations, not from files, not from the network.
  static xmlEntityPtr no_entity(void*, const xmlChar*) { return nullptr; }
  static xmlParserInputPtr no_input(void*, const xmlChar*, const xmlChar*) { return nullptr; }

  static void on_error(void* ctx, xmlErrorPtr err) {
    auto* self = static_cast<Impl*>(ctx);
    if (err == nullptr || err->level != XML_ERR_FATAL || !self->error.empty()) return;
    self->refused = is_refusal(err->code);
    self->error = std::string(self->refused ? "refused" : "malformed") + " XML at line " +
                  std::to_string(err->line) + ": " +
                  trimmed(err->message != nullptr ? err->message : "unknown libxml2 error");
  }

  // libxml2's errors about entities we never define or expand, and its own name limit: the
  // content itself is refused, and it would be again. Everything else may be a damaged transfer.
  static bool is_refusal(int code) {
    switch (code) {
      case XML_ERR_UNDECLARED_ENTITY:
      case XML_ERR_UNPARSED_ENTITY:
      case XML_ERR_ENTITY_IS_EXTERNAL:
      case XML_ERR_ENTITY_IS_PARAMETER:
      case XML_ERR_EXT_ENTITY_STANDALONE:
      case XML_ERR_ENTITY_PE_INTERNAL:
      case XML_ERR_ENTITY_LOOP:
      case XML_ERR_ENTITY_BOUNDARY:
      case XML_ERR_NAME_TOO_LONG:
        return true;
      default:
        return false;
    }
  }
};

PushParser::PushParser(SaxHandler& handler, ParserLimits limits)
    : impl_(std::make_unique<Impl>(handler, limits)) {
  // xmlInitParser must run once before use; a function-local static makes that thread-safe.
  static const bool initialised = (xmlInitParser(), true);
  (void)initialised;

  // Start from an empty SAX2 handler instead of xmlSAXVersion(&sax, 2): the defaults it installs
  // (xmlSAX2ResolveEntity, xmlSAX2ExternalSubset, xmlSAX2EntityDecl, xmlSAX2GetEntity …) build a
  // tree, store entity declarations and can load external subsets. Only what we need is set;
  // everything else (entityDecl, internalSubset, externalSubset, processingInstruction,
  // startDocument, …) stays null so libxml2 does nothing for it.
  xmlSAXHandler sax{};
  sax.initialized = XML_SAX2_MAGIC;  // use startElementNs/endElementNs and serror
  sax.startElementNs = &Impl::on_start;
  sax.endElementNs = &Impl::on_end;
  sax.characters = &Impl::on_characters;
  // Same function, so libxml2 never classifies whitespace as ignorable and drops it.
  sax.ignorableWhitespace = &Impl::on_characters;
  sax.cdataBlock = &Impl::on_cdata;
  sax.comment = &Impl::on_comment;
  sax.reference = &Impl::on_reference;
  sax.getEntity = &Impl::no_entity;
  sax.getParameterEntity = &Impl::no_entity;
  sax.resolveEntity = &Impl::no_input;
  // Per-context structured error handler: libxml2 prefers it over the global generic handler,
  // so nothing reaches stderr and no global state is touched.
  sax.serror = &Impl::on_error;

  impl_->ctxt = xmlCreatePushParserCtxt(&sax, impl_.get(), nullptr, 0, nullptr);
  if (impl_->ctxt == nullptr) throw std::bad_alloc();
  // No XML_PARSE_NOENT (would substitute entities), no XML_PARSE_DTDLOAD/DTDATTR/DTDVALID (would
  // load the external DTD). XML_PARSE_NONET: belt and braces. No XML_PARSE_HUGE: it lifts
  // libxml2's own limits (10 MB of unparsed input, 50000-byte names), which stay as a backstop
  // behind ours; text is delivered as it arrives in SAX mode, so no real field comes near them.
  xmlCtxtUseOptions(impl_->ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

PushParser::~PushParser() = default;

void PushParser::feed(std::string_view bytes) {
  Impl& impl = *impl_;
  if (impl.finished) throw std::logic_error("PushParser::feed after finish");
  if (!impl.error.empty()) impl.raise();
  while (!bytes.empty()) {
    const std::size_t n = std::min(bytes.size(), kSliceBytes);
    xmlParseChunk(impl.ctxt, bytes.data(), static_cast<int>(n), 0);
    impl.check_held();
    impl.check();
    bytes.remove_prefix(n);
  }
}

void PushParser::finish() {
  Impl& impl = *impl_;
  if (impl.finished) throw std::logic_error("PushParser::finish called twice");
  if (!impl.error.empty()) impl.raise();
  impl.finished = true;
  xmlParseChunk(impl.ctxt, nullptr, 0, 1);
  // Truncation is the likelier story than libxml2's "Premature end of data": say so first.
  if (!impl.pending && !impl.refused && !impl.root_closed) {
    impl.error = "document ended before its root element closed";
    throw TransientError(impl.error);
  }
  impl.check();
}

}  // namespace qi::xml
