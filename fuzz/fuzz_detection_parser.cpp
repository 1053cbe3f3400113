// Fuzz target: the DetectionParser (lib/qualys/detection_parser.cpp) over the locked-down libxml2
// push parser. The body arrives in two chunks cut where the first byte says (fuzz_input.hpp), then
// finish(). qi::Error (TransientError for malformed or truncated XML, FatalError for bad data or an
// unexpected root) is the expected rejection; anything else is a finding.
#include <cstddef>
#include <cstdint>

#include "common/error.hpp"
#include "fuzz_input.hpp"
#include "qualys/detection_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [first, second] = qi::fuzz::split_by_first_byte(qi::fuzz::as_text(data, size));
  std::size_t emitted = 0;
  try {
    qi::qualys::DetectionParser parser([&emitted](qi::qualys::DetectionHost&&) { ++emitted; });
    parser.feed(first);
    parser.feed(second);
    parser.finish();
    (void)parser.next_page_url();
    (void)parser.simple_return();
  } catch (const qi::Error&) {
  }
  return 0;
}
