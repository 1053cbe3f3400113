#include "xml/text_collector.hpp"

#include <algorithm>
#include <utility>

namespace qi::xml {
namespace {

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

}  // namespace

void TextCollector::text(std::string_view data) {
  pending_.append(data);
  pending_blank_ = pending_blank_ && is_blank(data);
}

void TextCollector::cdata(std::string_view data) {
  saw_cdata_ = true;
  settle_pending();
  value_.append(data);
}

void TextCollector::settle_pending() {
  // Called once a CDATA section is known to be in the element: blank runs are padding.
  if (!(saw_cdata_ && pending_blank_)) value_.append(pending_);
  pending_.clear();
  pending_blank_ = true;
}

std::string TextCollector::take() {
  settle_pending();
  std::string out = std::move(value_);
  reset();
  return out;
}

void TextCollector::reset() {
  value_.clear();
  pending_.clear();
  pending_blank_ = true;
  saw_cdata_ = false;
}

}  // namespace qi::xml
