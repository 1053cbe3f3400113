// SHA-256 of bytes as lower-case hex, computed here and not by lib/output, so that tests of the
// manifest check its digests against an independent computation.
#pragma once

#include <string>
#include <string_view>

namespace qi::testing {

std::string sha256_hex(std::string_view data);

}  // namespace qi::testing
