// A fixed vocabulary of element names, each with a small integer id, for handlers that match
// element paths: a parser looks each start tag's name up once and then compares ids, never
// strings. Owned (usually as a function-local static) by the parser class that matches on it.
//
// Why: every VULN of a KB response has ~37 elements and every DETECTION ~16; comparing the
// open elements' path as strings ("RESPONSE", "VULN_LIST", "VULN", leaf) on each of them was
// the largest cost of ours in a profile of `convert kb` (docs/benchmarks.md, "Profile").
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace qi::xml {

using NameId = std::uint16_t;

class ElementNames {
 public:
  // Any name that is not in the vocabulary.
  static constexpr NameId kOther = 0;

  // The names get the ids 1, 2, … in the order given (so an enum can mirror the list).
  // Names must be distinct and non-empty.
  ElementNames(std::initializer_list<std::string_view> names);

  // The id of name, or kOther.
  NameId find(std::string_view name) const noexcept {
    for (std::size_t slot = hash(name) & mask_;; slot = (slot + 1) & mask_) {
      const NameId id = slots_[slot];
      if (id == kOther || names_[id - 1] == name) return id;
    }
  }
  // The name of id; "" for kOther.
  std::string_view name(NameId id) const {
    return id == kOther || id > names_.size() ? std::string_view{} : names_[id - 1];
  }

 private:
  // Element names differ mostly in length and in their first and last characters; the table is
  // at least four times larger than the vocabulary, so a probe rarely goes past one slot.
  static std::size_t hash(std::string_view s) noexcept {
    if (s.empty()) return 0;
    return s.size() * 0x9E37u ^ static_cast<unsigned char>(s.front()) * 0x85EBu ^
           static_cast<unsigned char>(s.back()) * 0xC2B3u ^
           static_cast<unsigned char>(s[s.size() / 2]) * 0x27D5u;
  }

  std::vector<std::string> names_;  // names_[id - 1]
  std::vector<NameId> slots_;       // open addressing; kOther marks an empty slot
  std::size_t mask_ = 0;
};

}  // namespace qi::xml
