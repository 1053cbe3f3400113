// Fuzz target: config.yaml (qi::config::check_config). The loader takes a path, so the input is
// written to a scratch file first. Problems must come back as ConfigErrors in the vector; any
// exception (a yaml-cpp one leaking through included), crash or sanitizer report is a finding.
#include <cstddef>
#include <cstdint>

#include "config/config_loader.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const qi::fuzz::ScratchFile file("config.yaml");
  qi::config::Config config;
  (void)qi::config::check_config(file.write(qi::fuzz::as_text(data, size)), &config);
  return 0;
}
