#include "qualys/host_id_set_parser.hpp"

#include <utility>

#include "common/error.hpp"

namespace qi::qualys {

HostIdSetParser::HostIdSetParser(std::function<void(std::int64_t, std::int64_t)> on_range)
    : QualysXmlDocument("HOST_LIST_OUTPUT"), on_range_(std::move(on_range)) {}

bool HostIdSetParser::on_start(Path path) {
  return is(path, {"RESPONSE", "ID_SET", "ID"}) || is(path, {"RESPONSE", "ID_SET", "ID_RANGE"}) ||
         is(path, {"RESPONSE", "HOST_LIST", "HOST", "ID"});
}

void HostIdSetParser::on_text(Path path, std::string text) {
  std::optional<std::int64_t> first;
  std::optional<std::int64_t> last;
  if (path.back() == "ID_RANGE") {
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
    throw FatalError("host list " + path.back() + " is not an ID or an ID range: '" + text + "'");
  }
  ++range_count_;
  on_range_(*first, *last);
}

}  // namespace qi::qualys
