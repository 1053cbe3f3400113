// Fuzz target: the HostIdSetParser (lib/qualys/host_id_set_parser.cpp): ID and ID_RANGE of a
// details=None host list, HOST/ID of the guide's shape. Two chunks cut where the first byte says,
// then finish(); qi::Error is the expected rejection. Every range reported must be ordered
// (first <= last): the vm job turns ranges into ids= windows.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "common/error.hpp"
#include "fuzz_input.hpp"
#include "qualys/host_id_set_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [first, second] = qi::fuzz::split_by_first_byte(qi::fuzz::as_text(data, size));
  try {
    qi::qualys::HostIdSetParser parser([](std::int64_t low, std::int64_t high) {
      if (low > high) {
        std::fprintf(stderr, "invariant violated: range %lld-%lld is reversed\n",
                     static_cast<long long>(low), static_cast<long long>(high));
        std::abort();
      }
    });
    parser.feed(first);
    parser.feed(second);
    parser.finish();
  } catch (const qi::Error&) {
  }
  return 0;
}
