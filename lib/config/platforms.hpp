// The Qualys platform table (docs/qualys-api.md §1) and how the daemon picks its two hosts:
// the API server (qualysapi.*: /api/..., /qps/rest/...) and the gateway (gateway.*: /auth, CSAM).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "config/config.hpp"

namespace qi::config {

struct PlatformUrls {
  std::string api_url;      // "https://qualysapi.qualys.com" (no trailing slash)
  std::string gateway_url;  // "https://gateway.qg1.apps.qualys.com"
};

struct Platform {
  std::string_view name;          // "US1"
  std::string_view api_host;      // "qualysapi.qualys.com"
  std::string_view gateway_host;  // "gateway.qg1.apps.qualys.com"
};

// Every platform we know, in the order of the reference table.
std::span<const Platform> known_platforms();

// "US1, US2, ..." for error messages and docs.
std::string known_platform_names();

// The URLs of a named platform ("us1" works too); nullopt for an unknown name.
std::optional<PlatformUrls> platform_urls(std::string_view name);

// Maps the legacy auth.conf REGION_URL ("qg1.apps.qualys.com", optionally with "https://" and a
// trailing "/") through the table: the legacy scripts built https://qualysapi.<REGION_URL>, which
// does not exist for US1 and EU1 (their API hosts are qualysapi.qualys.com / qualysapi.qualys.eu).
// Also accepts a platform's full gateway or API host. Unknown regions fall back to the legacy
// pattern https://qualysapi.<r> and https://gateway.<r> (private clouds, US Gov).
// Throws std::invalid_argument when the region is empty or is not a host name.
PlatformUrls urls_for_region(std::string_view region_url);

// The URLs a run uses. Precedence, for each URL independently: qualys.api_url / gateway_url in the
// config, then qualys.platform, then the REGION_URL column of the credentials file. Throws
// ConfigError (config file, key qualys.platform) when none of them gives a URL.
PlatformUrls resolve_endpoints(const Config& config, const Credentials& credentials);

}  // namespace qi::config
