// Fuzz target: recognising SIMPLE_RETURN / GENERIC_RETURN / QPS ServiceResponse error bodies
// (qi::qualys::parse_simple_return). It is documented never to throw (nullopt for anything that
// is not a complete return document), so no exception is caught here: any is a finding.
#include <cstddef>
#include <cstdint>

#include "fuzz_input.hpp"
#include "qualys/simple_return.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)qi::qualys::parse_simple_return(qi::fuzz::as_text(data, size));
  return 0;
}
