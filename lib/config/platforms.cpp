#include "config/platforms.hpp"

#include <array>
#include <stdexcept>

#include "common/error.hpp"

namespace qi::config {
namespace {

constexpr std::array<Platform, 13> kPlatforms{{
    {"US1", "qualysapi.qualys.com", "gateway.qg1.apps.qualys.com"},
    {"US2", "qualysapi.qg2.apps.qualys.com", "gateway.qg2.apps.qualys.com"},
    {"US3", "qualysapi.qg3.apps.qualys.com", "gateway.qg3.apps.qualys.com"},
    {"US4", "qualysapi.qg4.apps.qualys.com", "gateway.qg4.apps.qualys.com"},
    {"EU1", "qualysapi.qualys.eu", "gateway.qg1.apps.qualys.eu"},
    {"EU2", "qualysapi.qg2.apps.qualys.eu", "gateway.qg2.apps.qualys.eu"},
    {"EU3", "qualysapi.qg3.apps.qualys.it", "gateway.qg3.apps.qualys.it"},
    {"IN1", "qualysapi.qg1.apps.qualys.in", "gateway.qg1.apps.qualys.in"},
    {"CA1", "qualysapi.qg1.apps.qualys.ca", "gateway.qg1.apps.qualys.ca"},
    {"AE1", "qualysapi.qg1.apps.qualys.ae", "gateway.qg1.apps.qualys.ae"},
    {"UK1", "qualysapi.qg1.apps.qualys.co.uk", "gateway.qg1.apps.qualys.co.uk"},
    {"AU1", "qualysapi.qg1.apps.qualys.com.au", "gateway.qg1.apps.qualys.com.au"},
    {"KSA1", "qualysapi.qg1.apps.qualysksa.com", "gateway.qg1.apps.qualysksa.com"},
}};

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

PlatformUrls urls_of(const Platform& p) {
  return {"https://" + std::string(p.api_host), "https://" + std::string(p.gateway_host)};
}

bool is_host_name(std::string_view host) {
  if (host.empty() || host.front() == '.' || host.front() == '-') return false;
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string strip_prefix(std::string_view text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) == prefix) text.remove_prefix(prefix.size());
  return std::string(text);
}

}  // namespace

std::span<const Platform> known_platforms() {
  return kPlatforms;
}

std::string known_platform_names() {
  std::string out;
  for (const Platform& p : kPlatforms) {
    if (!out.empty()) out += ", ";
    out += p.name;
  }
  return out;
}

std::optional<PlatformUrls> platform_urls(std::string_view name) {
  for (const Platform& p : kPlatforms) {
    if (iequals(p.name, name)) return urls_of(p);
  }
  return std::nullopt;
}

PlatformUrls urls_for_region(std::string_view region_url) {
  std::string region = to_lower(region_url);
  region = strip_prefix(region, "https://");
  while (!region.empty() && region.back() == '/') region.pop_back();
  if (region.empty()) throw std::invalid_argument("empty REGION_URL");
  if (!is_host_name(region)) {
    throw std::invalid_argument(
        "REGION_URL is not a host name (expected e.g. qg2.apps.qualys.com)");
  }
  for (const Platform& p : kPlatforms) {
    std::string_view gateway = p.gateway_host;
    std::string_view api = p.api_host;
    // "qg1.apps.qualys.com" is the gateway host without "gateway."; accept the full hosts too,
    // and "qualys.com"/"qualys.eu" (the API host without "qualysapi.").
    if (region == gateway || region == api || ("gateway." + region) == gateway ||
        ("qualysapi." + region) == api) {
      return urls_of(p);
    }
  }
  return {"https://qualysapi." + region, "https://gateway." + region};
}

PlatformUrls resolve_endpoints(const Config& config, const Credentials& credentials) {
  const QualysConfig& q = config.qualys;
  std::optional<PlatformUrls> from_platform;
  if (!q.platform.empty()) {
    from_platform = platform_urls(q.platform);
    if (!from_platform) {
      throw ConfigError(
          config.source.string(), "qualys.platform",
          "unknown platform \"" + q.platform + "\" (known: " + known_platform_names() + ")");
    }
  }
  std::optional<PlatformUrls> from_region;
  if (!credentials.region.empty() && (q.api_url.empty() || q.gateway_url.empty()) &&
      !from_platform) {
    try {
      from_region = urls_for_region(credentials.region);
    } catch (const std::invalid_argument& e) {
      throw ConfigError(q.credentials_file.string(), "REGION_URL", e.what());
    }
  }
  PlatformUrls out;
  out.api_url = !q.api_url.empty() ? q.api_url
                : from_platform    ? from_platform->api_url
                : from_region      ? from_region->api_url
                                   : std::string();
  out.gateway_url = !q.gateway_url.empty() ? q.gateway_url
                    : from_platform        ? from_platform->gateway_url
                    : from_region          ? from_region->gateway_url
                                           : std::string();
  if (out.api_url.empty() || out.gateway_url.empty()) {
    throw ConfigError(config.source.string(), "qualys.platform",
                      "no Qualys platform: set qualys.platform (one of " + known_platform_names() +
                          "), or qualys.api_url and qualys.gateway_url, or a REGION_URL in the "
                          "credentials file " +
                          q.credentials_file.string());
  }
  return out;
}

}  // namespace qi::config
