#include "net/http_client.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <charconv>

namespace qi::net {

std::optional<std::string_view> HttpResponseHead::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (boost::algorithm::iequals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::optional<long long> HttpResponseHead::header_number(std::string_view name) const {
  auto text = header(name);
  if (!text) return std::nullopt;
  while (!text->empty() && text->front() == ' ') text->remove_prefix(1);
  long long number = 0;
  const auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), number);
  if (ec != std::errc{} || ptr == text->data()) return std::nullopt;
  return number;
}

}  // namespace qi::net
