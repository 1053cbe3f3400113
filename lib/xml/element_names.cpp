#include "xml/element_names.hpp"

#include <limits>
#include <stdexcept>

namespace qi::xml {

ElementNames::ElementNames(std::initializer_list<std::string_view> names) {
  if (names.size() >= std::numeric_limits<NameId>::max()) {
    throw std::logic_error("ElementNames: too many names");
  }
  std::size_t size = 8;
  while (size < 4 * names.size()) size *= 2;
  slots_.assign(size, kOther);
  mask_ = size - 1;
  names_.reserve(names.size());
  for (std::string_view name : names) {
    if (name.empty() || find(name) != kOther) {
      throw std::logic_error("ElementNames: empty or duplicate name '" + std::string(name) + "'");
    }
    names_.emplace_back(name);
    std::size_t slot = hash(name) & mask_;
    while (slots_[slot] != kOther) slot = (slot + 1) & mask_;
    slots_[slot] = static_cast<NameId>(names_.size());
  }
}

}  // namespace qi::xml
