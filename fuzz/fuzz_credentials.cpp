// Fuzz target: the legacy credentials file (qi::config::load_credentials, /opt/qualys/auth.conf).
// Input written to a scratch file; ConfigError is the expected rejection. A rejection must never
// quote the password: when the input is exactly "LOGIN SECRET" with a marker password, the
// message is checked not to contain it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "config/credentials.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const qi::fuzz::ScratchFile file("auth.conf");
  const std::string_view input = qi::fuzz::as_text(data, size);
  try {
    const qi::config::Credentials credentials = qi::config::load_credentials(file.write(input));
    if (credentials.username.empty() || credentials.password.empty()) {
      std::fprintf(stderr, "invariant violated: accepted credentials without login or password\n");
      std::abort();
    }
  } catch (const qi::ConfigError& e) {
    // The fuzzer learns "Zq9-secret" from the seed; any message that echoes it leaks a password.
    if (std::string_view(e.what()).find("Zq9-secret") != std::string_view::npos) {
      std::fprintf(stderr, "invariant violated: error text quotes the password: %s\n", e.what());
      std::abort();
    }
  }
  return 0;
}
