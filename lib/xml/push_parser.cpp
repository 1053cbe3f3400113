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
// at once ("Huge input lookup") without XML_PARSE_HUGE; feeding in slices keeps both away.
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
  bool root_opened = false;
  bool root_closed = false;
  bool finished = false;
  bool stopped = false;             // no more callbacks are delivered to the handler
  std::exception_ptr pending;       // thrown by the handler inside a libxml2 callback
  std::string error;                // first fatal error ("malformed XML at line L: …")
  std::vector<Attribute> attributes;
  std::vector<std::string> decoded_values;  // storage for attribute values we had to rewrite

  int line() const {
    return (ctxt != nullptr && ctxt->input != nullptr) ? ctxt->input->line : 0;
  }

  // Records our own error (limits, entity references) and stops libxml2.
  void fail(const std::string& what) {
    if (error.empty()) error = "malformed XML at line " + std::to_string(line()) + ": " + what;
    stop();
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
    if (!error.empty()) throw TransientError(error);
  }

  // ---- libxml2 callbacks (ctx is the Impl, passed as the context's userData) ----

  static void on_start(void* ctx, const xmlChar* localname, const xmlChar* /*prefix*/,
                       const xmlChar* /*uri*/, int /*nb_namespaces*/,
                       const xmlChar** /*namespaces*/, int nb_attributes, int nb_defaulted,
                       const xmlChar** attrs) {
    auto* self = static_cast<Impl*>(ctx);
    if (self->stopped) return;
    if (++self->depth > self->limits.max_depth) {
      self->fail("element nesting deeper than " + std::to_string(self->limits.max_depth) +
                 " levels");
      return;
    }
    self->root_opened = true;
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
    self->guarded([&] { self->handler.end_element(as_view(localname)); });
  }

  static void on_characters(void* ctx, const xmlChar* ch, int len) {
    auto* self = static_cast<Impl*>(ctx);
    if (self->depth == 0) return;  // whitespace around the root element
    self->guarded([&] { self->handler.text(as_view(ch, len)); });
  }

  static void on_cdata(void* ctx, const xmlChar* value, int len) {
    auto* self = static_cast<Impl*>(ctx);
    self->guarded([&] { self->handler.cdata(as_view(value, len)); });
  }

  // Called for a reference to an entity that is not one of the five predefined ones (we never
  // store declarations, so none is defined). libxml2 only warns when the document has an external
  // subset (every Qualys body does); we refuse such documents rather than drop text silently.
  static void on_reference(void* ctx, const xmlChar* name) {
    static_cast<Impl*>(ctx)->fail("entity '" + std::string(as_view(name)) +
                                  "' is not expanded (only the predefined XML entities are)");
  }

  // No entity is ever resolved: not from declarations, not from files, not from the network.
  static xmlEntityPtr no_entity(void*, const xmlChar*) { return nullptr; }
  static xmlParserInputPtr no_input(void*, const xmlChar*, const xmlChar*) { return nullptr; }

  static void on_error(void* ctx, xmlErrorPtr err) {
    auto* self = static_cast<Impl*>(ctx);
    if (err == nullptr || err->level != XML_ERR_FATAL || !self->error.empty()) return;
    self->error = "malformed XML at line " + std::to_string(err->line) + ": " +
                  trimmed(err->message != nullptr ? err->message : "unknown libxml2 error");
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
  // everything else (entityDecl, internalSubset, externalSubset, comment, processingInstruction,
  // startDocument, …) stays null so libxml2 does nothing for it.
  xmlSAXHandler sax{};
  sax.initialized = XML_SAX2_MAGIC;  // use startElementNs/endElementNs and serror
  sax.startElementNs = &Impl::on_start;
  sax.endElementNs = &Impl::on_end;
  sax.characters = &Impl::on_characters;
  // Same function, so libxml2 never classifies whitespace as ignorable and drops it.
  sax.ignorableWhitespace = &Impl::on_characters;
  sax.cdataBlock = &Impl::on_cdata;
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
  // load the external DTD). XML_PARSE_NONET: belt and braces. XML_PARSE_HUGE: KB DIAGNOSIS and HLD
  // RESULTS text nodes can be several MB; libxml2 2.9 rejects a text node or unconsumed input
  // over 10 MB without it. HUGE also disables libxml2's entity amplification check, which is
  // harmless here because no entity is ever expanded (getEntity returns null).
  xmlCtxtUseOptions(impl_->ctxt, XML_PARSE_NONET | XML_PARSE_HUGE | XML_PARSE_NOERROR |
                                     XML_PARSE_NOWARNING);
}

PushParser::~PushParser() = default;

void PushParser::feed(std::string_view bytes) {
  Impl& impl = *impl_;
  if (impl.finished) throw std::logic_error("PushParser::feed after finish");
  if (!impl.error.empty()) throw TransientError(impl.error);
  while (!bytes.empty()) {
    const std::size_t n = std::min(bytes.size(), kSliceBytes);
    xmlParseChunk(impl.ctxt, bytes.data(), static_cast<int>(n), 0);
    impl.check();
    bytes.remove_prefix(n);
  }
}

void PushParser::finish() {
  Impl& impl = *impl_;
  if (impl.finished) throw std::logic_error("PushParser::finish called twice");
  if (!impl.error.empty()) throw TransientError(impl.error);
  impl.finished = true;
  xmlParseChunk(impl.ctxt, nullptr, 0, 1);
  // Truncation is the likelier story than libxml2's "Premature end of data": say so first.
  if (!impl.pending && !impl.root_closed) {
    impl.error = "document ended before its root element closed";
    throw TransientError(impl.error);
  }
  impl.check();
}

}  // namespace qi::xml
