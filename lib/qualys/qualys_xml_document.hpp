// Base of the Qualys API v2 XML parsers (KB, host detection, host list): owns the push parser,
// tracks the element path (as ids of the parser's vocabulary: xml/element_names.hpp), collects
// the text of the elements a parser asks for, and handles
// what every v2 body may contain instead of data or beside it:
//  - a SIMPLE_RETURN / GENERIC_RETURN / QPS ServiceResponse root → simple_return(), no data;
//  - RESPONSE/WARNING (CODE, TEXT, URL) → warning(); CODE 1980 with a URL → next_page_url().
// A root element that is neither the expected one nor a return shape → qi::FatalError.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qualys/records.hpp"
#include "qualys/simple_return.hpp"
#include "xml/element_names.hpp"
#include "xml/push_parser.hpp"
#include "xml/text_collector.hpp"

namespace qi::qualys {

// RESPONSE/WARNING of a v2 list output. Code and text trimmed; url trimmed, CDATA content as sent.
struct QualysWarning {
  std::string code;
  std::string text;
  std::string url;
};

class QualysXmlDocument : private xml::SaxHandler {
 public:
  QualysXmlDocument(const QualysXmlDocument&) = delete;
  QualysXmlDocument& operator=(const QualysXmlDocument&) = delete;

  void feed(std::string_view bytes) { parser_.feed(bytes); }
  void finish();

  const std::optional<SimpleReturn>& simple_return() const { return simple_return_; }
  const std::optional<QualysWarning>& warning() const { return warning_; }
  // Set when the body carries WARNING CODE 1980 with a URL: the next page, used as given (it
  // may carry parameters we never sent, host_list_truncated_warning_guide.xml).
  const std::optional<std::string>& next_page_url() const { return next_page_url_; }

 protected:
  // The open elements, root first, each as its id in the parser's vocabulary
  // (xml::ElementNames::kOther for a name outside it).
  using Path = std::span<const xml::NameId>;

  // expected_root empty: any root is accepted and ignored unless it is a return shape.
  // names: the element names the parser matches paths against; it must outlive the parser.
  explicit QualysXmlDocument(std::string expected_root,
                             const xml::ElementNames& names = no_names());
  ~QualysXmlDocument() override = default;

  // Data events, only for a document with the expected root and outside RESPONSE/WARNING.
  // Return true to receive the element's text.
  virtual bool on_start(Path path) = 0;
  // By value: the parsers move the text into their records; this default ignores it.
  // NOLINTNEXTLINE(performance-unnecessary-value-param)
  virtual void on_text(Path /*path*/, std::string /*text*/) {}
  virtual void on_end(Path /*path*/) {}

  // path == root / below... (below excludes the root, which the base has already checked).
  static bool is(Path path, std::initializer_list<xml::NameId> below_root) {
    return path.size() == below_root.size() + 1 &&
           std::equal(below_root.begin(), below_root.end(), path.begin() + 1);
  }
  // The name of an id of the parser's vocabulary (for messages).
  std::string_view name_of(xml::NameId id) const { return names_.name(id); }
  static std::string trim(std::string_view s);
  // A whole, trimmed decimal int64, or nullopt.
  static std::optional<std::int64_t> to_int64(std::string_view s);

 private:
  enum class Mode { before_root, data, return_shape, ignored };

  void start_element(std::string_view name, const xml::Attributes& attributes) override;
  void end_element(std::string_view name) override;
  void text(std::string_view data) override;
  void cdata(std::string_view data) override;

  enum class WarningField { none, code, text, url };

  static const xml::ElementNames& no_names();
  bool start_warning(std::string_view name);
  void warning_text(std::string_view text);
  std::span<const std::string> return_path() const { return {return_path_.data(), depth_}; }

  std::string expected_root_;
  const xml::ElementNames& names_;
  std::string unexpected_root_;  // reported by finish(), once the document proved complete
  xml::PushParser parser_;
  Mode mode_ = Mode::before_root;
  std::size_t depth_ = 0;
  std::vector<xml::NameId> ids_;  // Mode::data: the open elements' ids (ids_[0] the root)
  // Mode::return_shape only (small error bodies): SimpleReturnBuilder matches names.
  std::vector<std::string> return_path_;
  // Mode::data: path[1] is RESPONSE; path[1..2] is RESPONSE/WARNING (set at depths 2 and 3,
  // valid for every element below); the RESPONSE/WARNING child being collected.
  bool in_response_ = false;
  bool in_warning_ = false;
  WarningField warning_field_ = WarningField::none;
  xml::TextCollector collector_;
  std::size_t collect_depth_ = 0;  // 0: not collecting
  std::optional<SimpleReturnBuilder> return_builder_;
  std::optional<SimpleReturn> simple_return_;
  std::optional<QualysWarning> warning_;
  std::optional<std::string> next_page_url_;
};

}  // namespace qi::qualys
