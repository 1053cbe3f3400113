#include "qualys/qualys_xml_document.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include "common/error.hpp"

namespace qi::qualys {

QualysXmlDocument::QualysXmlDocument(std::string expected_root)
    : expected_root_(std::move(expected_root)), parser_(*this) {}

void QualysXmlDocument::finish() {
  parser_.finish();
  if (!unexpected_root_.empty()) {
    throw FatalError("unexpected XML root element <" + unexpected_root_ + ">, expected <" +
                     expected_root_ + ">");
  }
}

bool QualysXmlDocument::is(Path path, std::initializer_list<std::string_view> below_root) {
  if (path.size() != below_root.size() + 1) return false;
  return std::equal(below_root.begin(), below_root.end(), path.begin() + 1);
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
  if (depth_ == path_.size()) path_.emplace_back();
  path_[depth_].assign(name);
  ++depth_;
  const Path path(path_.data(), depth_);

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
      wanted = return_builder_->start(path, attributes);
      break;
    case Mode::data:
      wanted = (depth_ >= 3 && path[1] == "RESPONSE" && path[2] == "WARNING")
                   ? start_warning(path)
                   : on_start(path);
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
  const Path path(path_.data(), depth_);
  const bool in_warning =
      mode_ == Mode::data && depth_ >= 3 && path[1] == "RESPONSE" && path[2] == "WARNING";
  if (collect_depth_ == depth_) {
    collect_depth_ = 0;
    std::string value = collector_.take();
    if (mode_ == Mode::return_shape) {
      return_builder_->text_of(path, std::move(value));
    } else if (in_warning) {
      warning_text(path, std::move(value));
    } else if (mode_ == Mode::data) {
      on_text(path, std::move(value));
    }
  }
  if (mode_ == Mode::return_shape) {
    return_builder_->end(path);
    if (depth_ == 1) simple_return_ = std::move(return_builder_->result());
  } else if (in_warning) {
    if (depth_ == 3 && warning_->code == "1980" && !warning_->url.empty()) {
      next_page_url_ = warning_->url;
    }
  } else if (mode_ == Mode::data) {
    on_end(path);
  }
  --depth_;
}

void QualysXmlDocument::text(std::string_view data) {
  if (collect_depth_ != 0) collector_.text(data);
}

void QualysXmlDocument::cdata(std::string_view data) {
  if (collect_depth_ != 0) collector_.cdata(data);
}

bool QualysXmlDocument::start_warning(Path path) {
  if (path.size() == 3) {
    warning_.emplace();
    return false;
  }
  return is(path, {"RESPONSE", "WARNING", "CODE"}) || is(path, {"RESPONSE", "WARNING", "TEXT"}) ||
         is(path, {"RESPONSE", "WARNING", "URL"});
}

void QualysXmlDocument::warning_text(Path path, std::string text) {
  if (path.size() != 4) return;
  // hld_xml_truncated_warning_guide.xml: TEXT spans two lines; host_list_truncated_warning_
  // guide.xml: whitespace and newlines around the URL's CDATA. Trim all three.
  if (path[3] == "CODE") warning_->code = trim(text);
  else if (path[3] == "TEXT") warning_->text = trim(text);
  else if (path[3] == "URL") warning_->url = trim(text);
}

}  // namespace qi::qualys
