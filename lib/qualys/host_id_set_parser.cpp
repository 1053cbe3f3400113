#include "qualys/host_id_set_parser.hpp"

#include <utility>

#include "common/error.hpp"

namespace qi::qualys {
namespace {

// The element names matched below; the enum mirrors the list (ids start at 1).
enum Name : xml::NameId { kResponse = 1, kIdSet, kId, kIdRange, kHostList, kHost };

const xml::ElementNames& host_list_names() {
  static const xml::ElementNames names{"RESPONSE", "ID_SET", "ID", "ID_RANGE", "HOST_LIST", "HOST"};
  return names;
}

}  // namespace

HostIdSetParser::HostIdSetParser(std::function<void(std::int64_t, std::int64_t)> on_range)
    : QualysXmlDocument("HOST_LIST_OUTPUT", host_list_names()), on_range_(std::move(on_range)) {}

bool HostIdSetParser::on_start(Path path) {
  return is(path, {kResponse, kIdSet, kId}) || is(path, {kResponse, kIdSet, kIdRange}) ||
         is(path, {kResponse, kHostList, kHost, kId});
}

void HostIdSetParser::on_text(Path path, std::string text) {
  std::optional<std::int64_t> first;
  std::optional<std::int64_t> last;
  if (path.back() == kIdRange) {
    const std::string t = trim(text);
    // Split at the first '-' after position 0 (IDs are positive; "a-b").
    const auto dash = t.find('-', 1);
    if (dash != std::string::npos) {
      first = to_int64(std::string_view(t).substr(0, dash));
      last = to_int64(std::string_view(t).substr(dash + 1));
    }
  } else {
    first = last = to_int64(text);
  }
  if (!first || !last || *first > *last) {
    throw FatalError("host list " + std::string(name_of(path.back())) +
                     " is not an ID or an ID range: '" + text + "'");
  }
  ++range_count_;
  on_range_(*first, *last);
}

}  // namespace qi::qualys
