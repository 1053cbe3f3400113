#include "net/http_client.hpp"

#include <boost/algorithm/string/predicate.hpp>

namespace qi::net {

std::optional<std::string_view> HttpResponseHead::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (boost::algorithm::iequals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

}  // namespace qi::net
