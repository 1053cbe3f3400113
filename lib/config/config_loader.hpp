// Loading config.yaml into a Config. Strict: unknown keys, wrong types and out-of-range values are
// errors naming the file, the key path and the reason, so a typo never silently becomes a default.
#pragma once

#include <filesystem>
#include <vector>

#include "common/error.hpp"
#include "config/config.hpp"

namespace qi::config {

// A Config holding every default (schedules "0 1 * * *" / "0 2 * * *" / "0 3 * * *" for
// assets / kb / vm included); what an empty config file loads to.
Config default_config();

// Reads and validates the file; throws the first ConfigError found.
// After loading, qualys.api_url / gateway_url hold the explicit URL or else the platform's; they
// are still empty when neither is set (resolve_endpoints then uses the credentials' REGION_URL).
// Relative paths (output.dir, state.dir, qualys.credentials_file, qualys.ca_file) are resolved
// against the directory of the config file.
Config load_config(const std::filesystem::path& file);

// Same reading, but returns every problem (empty when valid). When `out` is given it receives
// what could be loaded, defaults where values were missing or wrong.
std::vector<ConfigError> check_config(const std::filesystem::path& file, Config* out = nullptr);

}  // namespace qi::config
