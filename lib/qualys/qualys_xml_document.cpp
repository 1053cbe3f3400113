#include "qualys/qualys_xml_document.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include "common/error.hpp"

namespace qi::qualys {

QualysXmlDocument::QualysXmlDocument(std::string expected_root, const xml::ElementNames& names)
    : expected_root_(std::move(expected_root)), names_(names), parser_(*this) {}

const xml::ElementNames& QualysXmlDocument::no_names() {
  static const xml::ElementNames names{};
  return names;
}

void QualysXmlDocument::finish() {
  parser_.finish();
  if (!unexpected_root_.empty()) {
    throw FatalError("unexpected XML root element <" + unexpected_root_ + ">, expected <" +
                     expected_root_ + ">");
  }
}

std::string QualysXmlDocument::trim(std::string_view s) {
  constexpr std::string_view kBlank = " \t\r\n";
  const auto first = s.find_first_not_of(kBlank);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(kBlank);
  return std::string(s.substr(first, last - first + 1));
}

std::optional<std::int64_t> QualysXmlDocument::to_int64(std::string_view s) {
  const std::string t = trim(s);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ec != std::errc{} || end != t.data() + t.size()) return std::nullopt;
  return value;
}

void QualysXmlDocument::start_element(std::string_view name, const xml::Attributes& attributes) {
  ++depth_;
  if (mode_ == Mode::before_root) {
    if (SimpleReturnBuilder::is_return_root(name)) {
      mode_ = Mode::return_shape;
      return_builder_.emplace();
    } else if (expected_root_.empty()) {
      mode_ = Mode::ignored;
    } else if (name == expected_root_) {
      mode_ = Mode::data;
    } else {
      // Not thrown here: at finish() libxml2 also reports the start tag of a body truncated
      // inside the root's name ("<HOST_LIS"), and a truncation must stay a TransientError.
      mode_ = Mode::ignored;
      unexpected_root_ = name;
    }
  }

  bool wanted = false;
  switch (mode_) {
    case Mode::return_shape:
      if (return_path_.size() < depth_) return_path_.resize(depth_);
      return_path_[depth_ - 1].assign(name);
      wanted = return_builder_->start(return_path(), attributes);
      break;
    case Mode::data:
      if (ids_.size() < depth_) ids_.resize(depth_);
      ids_[depth_ - 1] = names_.find(name);
      // The few elements at depths 2 and 3 decide whether the subtree is RESPONSE/WARNING;
      // below them only ids are compared.
      if (depth_ <= 2) {
        in_response_ = depth_ == 2 && name == "RESPONSE";
        in_warning_ = false;
      } else if (depth_ == 3) {
        in_warning_ = in_response_ && name == "WARNING";
      }
      wanted = in_warning_ ? start_warning(name) : on_start(Path(ids_.data(), depth_));
      break;
    default:
      break;
  }
  if (wanted && collect_depth_ == 0) {
    collect_depth_ = depth_;
    collector_.reset();
  }
}

void QualysXmlDocument::end_element(std::string_view /*name*/) {
  const bool in_warning = mode_ == Mode::data && depth_ >= 3 && in_warning_;
  if (collect_depth_ == depth_) {
    collect_depth_ = 0;
    std::string value = collector_.take();
    if (mode_ == Mode::return_shape) {
      return_builder_->text_of(return_path(), value);
    } else if (in_warning) {
      warning_text(value);
    } else if (mode_ == Mode::data) {
      on_text(Path(ids_.data(), depth_), std::move(value));
    }
  }
  if (mode_ == Mode::return_shape) {
    return_builder_->end(return_path());
    if (depth_ == 1) simple_return_ = std::move(return_builder_->result());
  } else if (in_warning) {
    if (depth_ == 3 && warning_->code == "1980" && !warning_->url.empty()) {
      next_page_url_ = warning_->url;
    }
  } else if (mode_ == Mode::data) {
    on_end(Path(ids_.data(), depth_));
  }
  --depth_;
}

void QualysXmlDocument::text(std::string_view data) {
  if (collect_depth_ != 0) collector_.text(data);
}

void QualysXmlDocument::cdata(std::string_view data) {
  if (collect_depth_ != 0) collector_.cdata(data);
}

bool QualysXmlDocument::start_warning(std::string_view name) {
  if (depth_ == 3) {
    warning_.emplace();
    return false;
  }
  if (depth_ != 4) return false;
  warning_field_ = name == "CODE"   ? WarningField::code
                   : name == "TEXT" ? WarningField::text
                   : name == "URL"  ? WarningField::url
                                    : WarningField::none;
  return warning_field_ != WarningField::none;
}

void QualysXmlDocument::warning_text(std::string_view text) {
  if (depth_ != 4) return;
  // hld_xml_truncated_warning_guide.xml: TEXT spans two lines; host_list_truncated_warning_
  // guide.xml: whitespace and newlines around the URL's CDATA. Trim all three.
  switch (warning_field_) {
    case WarningField::code:
      warning_->code = trim(text);
      break;
    case WarningField::text:
      warning_->text = trim(text);
      break;
    case WarningField::url:
      warning_->url = trim(text);
      break;
    case WarningField::none:
      break;
  }
}

}  // namespace qi::qualys
