// Fuzz target: the CSAM v2 search page parser (lib/qualys/csam_page_parser.cpp, RapidJSON).
// Two chunks cut where the first byte says, then finish(); qi::Error (TransientError for
// malformed JSON, FatalError for a wrongly typed ID) is the expected rejection.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "common/error.hpp"
#include "fuzz_input.hpp"
#include "qualys/csam_page_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [first, second] = qi::fuzz::split_by_first_byte(qi::fuzz::as_text(data, size));
  std::size_t emitted = 0;
  try {
    qi::qualys::CsamPageParser parser([&emitted](qi::qualys::Asset&&) { ++emitted; });
    parser.feed(first);
    parser.feed(second);
    parser.finish();
    if (parser.envelope().assets != emitted) {
      std::fprintf(stderr, "invariant violated: envelope counts %zu assets, %zu emitted\n",
                   parser.envelope().assets, emitted);
      std::abort();
    }
  } catch (const qi::Error&) {
  }
  return 0;
}
