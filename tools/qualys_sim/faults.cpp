#include "qualys_sim/faults.hpp"

#include <map>
#include <stdexcept>

#include "sim_common/fault_spec.hpp"

namespace qi::sim {

namespace {

const std::map<std::string_view, Endpoint>& endpoints() {
  static const std::map<std::string_view, Endpoint> map = {{"auth", Endpoint::auth},
                                                           {"search", Endpoint::search},
                                                           {"count", Endpoint::count},
                                                           {"kb", Endpoint::kb},
                                                           {"detection", Endpoint::detection},
                                                           {"hostlist", Endpoint::hostlist},
                                                           {"any", Endpoint::any}};
  return map;
}

const std::map<std::string_view, FaultKind>& kinds() {
  static const std::map<std::string_view, FaultKind> map = {
      {"status", FaultKind::http_status},
      {"409-1960", FaultKind::concurrency_409},
      {"409-1965", FaultKind::rate_limit_409},
      {"409-1965-no-header", FaultKind::rate_limit_409_no_header},
      {"low-remaining", FaultKind::low_remaining},
      {"429", FaultKind::too_many_429},
      {"429-no-retry-after", FaultKind::too_many_429_bare},
      {"401", FaultKind::unauthorized_401},
      {"expire-tokens", FaultKind::expire_all_tokens},
      {"reset-before-headers", FaultKind::reset_before_headers},
      {"reset-mid-body", FaultKind::reset_mid_body},
      {"truncate", FaultKind::truncate},
      {"hang", FaultKind::hang},
      {"slow-drip", FaultKind::slow_drip},
      {"2001", FaultKind::account_expired_2001},
      {"csam-failed", FaultKind::csam_failed},
      {"csam-empty-has-more", FaultKind::csam_empty_has_more},
      {"csam-stuck-cursor", FaultKind::csam_stuck_cursor},
      {"count-skew", FaultKind::count_skew},
      {"malformed", FaultKind::malformed},
      {"invalid-utf8", FaultKind::invalid_utf8},
      {"huge-body", FaultKind::huge_body},
      {"endless-header", FaultKind::endless_header},
      {"endless-string", FaultKind::endless_string},
      {"endless-keep-alive", FaultKind::endless_keep_alive},
      {"entity", FaultKind::entity_reference},
      {"endless-text", FaultKind::endless_text},
      {"foreign-warning-url", FaultKind::foreign_warning_url}};
  return map;
}

}  // namespace

std::string_view endpoint_name(Endpoint endpoint) {
  for (const auto& [name, value] : endpoints()) {
    if (value == endpoint) return name;
  }
  return "any";
}

FaultRule parse_fault_spec(std::string_view spec) {
  const auto parts = sim_common::split_fault_spec(spec, "ENDPOINT");
  const auto endpoint = endpoints().find(parts.target);
  if (endpoint == endpoints().end()) {
    throw std::invalid_argument("fault spec: unknown endpoint '" + std::string(parts.target) +
                                "' (auth, search, count, kb, detection, hostlist, any)");
  }
  const auto kind = kinds().find(parts.kind);
  if (kind == kinds().end()) {
    throw std::invalid_argument("fault spec: unknown kind '" + std::string(parts.kind) + "'");
  }
  FaultRule rule;
  rule.endpoint = endpoint->second;
  rule.kind = kind->second;
  rule.nth = parts.nth;
  rule.times = parts.times;
  const auto& arg = parts.argument;
  using sim_common::fault_number;
  switch (rule.kind) {
    case FaultKind::http_status:
      rule.status = sim_common::fault_status(parts);
      break;
    case FaultKind::rate_limit_409:
    case FaultKind::rate_limit_409_no_header:
    case FaultKind::too_many_429:
      if (arg) rule.seconds = fault_number(*arg, "seconds");
      break;
    case FaultKind::reset_mid_body:
    case FaultKind::truncate:
      if (arg) rule.after_bytes = static_cast<std::uint64_t>(fault_number(*arg, "bytes"));
      break;
    case FaultKind::slow_drip:
      if (arg) rule.interval = std::chrono::milliseconds(fault_number(*arg, "milliseconds"));
      break;
    case FaultKind::foreign_warning_url:
      if (arg) rule.host = std::string(*arg);
      break;
    case FaultKind::count_skew:
      if (arg) rule.skew = fault_number(*arg, "assets");
      break;
    case FaultKind::low_remaining:
      if (arg) rule.remaining = fault_number(*arg, "calls");
      break;
    default:
      sim_common::refuse_argument(parts);
  }
  return rule;
}

void FaultPlan::add(FaultRule rule, std::uint64_t requests_so_far) {
  rules_.push_back({std::move(rule), requests_so_far});
}

std::optional<FaultRule> FaultPlan::match(Endpoint endpoint, std::uint64_t request_number,
                                          std::uint64_t total_number) const {
  for (const auto& active : rules_) {
    const FaultRule& rule = active.rule;
    std::uint64_t n;
    if (rule.endpoint == Endpoint::any) {
      n = total_number;
    } else if (rule.endpoint == endpoint) {
      n = request_number;
    } else {
      continue;
    }
    if (n <= active.base) continue;
    const std::uint64_t relative = n - active.base;  // 1 = first request after add()
    if (relative < rule.nth) continue;
    if (rule.times != 0 && relative >= rule.nth + rule.times) continue;
    return rule;
  }
  return std::nullopt;
}

}  // namespace qi::sim
