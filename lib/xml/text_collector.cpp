#include "xml/text_collector.hpp"

#include <algorithm>
#include <utility>

#include "common/error.hpp"

namespace qi::xml {
namespace {

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

}  // namespace

void TextCollector::make_room(std::size_t bytes) const {
  if (value_.size() + pending_.size() + bytes > max_bytes_) {
    throw RefusedDocument("refused XML: the text of one field is longer than " +
                          std::to_string(max_bytes_) +
                          " bytes, the limit for one text (docs/security.md); real Qualys data "
                          "stays far below it, so check what answers at this address (server, "
                          "proxy)");
  }
}

void TextCollector::text(std::string_view data) {
  make_room(data.size());
  if (pending_blank_ && is_blank(data)) {
    pending_.append(data);
    return;
  }
  if (pending_blank_) {
    // The run is not padding: it is kept whole, whatever comes after it.
    value_.append(pending_);
    pending_.clear();
    pending_blank_ = false;
  }
  value_.append(data);
}

void TextCollector::cdata(std::string_view data) {
  make_room(data.size());
  saw_cdata_ = true;
  settle_pending();
  value_.append(data);
}

void TextCollector::settle_pending() {
  // Called once a CDATA section is known to be in the element: blank runs are padding.
  if (!saw_cdata_) value_.append(pending_);
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
