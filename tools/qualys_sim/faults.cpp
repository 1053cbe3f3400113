#include "qualys_sim/faults.hpp"

#include <map>
#include <stdexcept>

#include "qualys_sim/sim_util.hpp"

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

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::int64_t number(std::string_view text, std::string_view what) {
  const auto value = parse_int(text);
  if (!value || *value < 0) {
    throw std::invalid_argument("fault spec: " + std::string(what) + " must be a number, got '" +
                                std::string(text) + "'");
  }
  return *value;
}

}  // namespace

std::string_view endpoint_name(Endpoint endpoint) {
  for (const auto& [name, value] : endpoints()) {
    if (value == endpoint) return name;
  }
  return "any";
}

FaultRule parse_fault_spec(std::string_view spec) {
  spec = trim(spec);
  const auto comma = spec.find(',');
  std::string_view head = spec.substr(0, comma);
  std::string_view options =
      comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);

  FaultRule rule;
  const auto c1 = head.find(':');
  if (c1 == std::string_view::npos) {
    throw std::invalid_argument("fault spec '" + std::string(spec) +
                                "': expected ENDPOINT:KIND[:ARG]");
  }
  const auto endpoint = endpoints().find(head.substr(0, c1));
  if (endpoint == endpoints().end()) {
    throw std::invalid_argument("fault spec: unknown endpoint '" + std::string(head.substr(0, c1)) +
                                "' (auth, search, count, kb, detection, hostlist, any)");
  }
  rule.endpoint = endpoint->second;
  std::string_view rest = head.substr(c1 + 1);
  const auto c2 = rest.find(':');
  const std::string_view kind_name = rest.substr(0, c2);
  const std::optional<std::string_view> arg =
      c2 == std::string_view::npos ? std::nullopt : std::optional(rest.substr(c2 + 1));
  const auto kind = kinds().find(kind_name);
  if (kind == kinds().end()) {
    throw std::invalid_argument("fault spec: unknown kind '" + std::string(kind_name) + "'");
  }
  rule.kind = kind->second;
  switch (rule.kind) {
    case FaultKind::http_status:
      if (!arg) throw std::invalid_argument("fault spec: status needs a code, e.g. status:503");
      rule.status = static_cast<int>(number(*arg, "status"));
      if (rule.status < 100 || rule.status > 599)
        throw std::invalid_argument("fault spec: bad status");
      break;
    case FaultKind::rate_limit_409:
    case FaultKind::rate_limit_409_no_header:
    case FaultKind::too_many_429:
      if (arg) rule.seconds = number(*arg, "seconds");
      break;
    case FaultKind::reset_mid_body:
    case FaultKind::truncate:
      if (arg) rule.after_bytes = static_cast<std::uint64_t>(number(*arg, "bytes"));
      break;
    case FaultKind::slow_drip:
      if (arg) rule.interval = std::chrono::milliseconds(number(*arg, "milliseconds"));
      break;
    case FaultKind::foreign_warning_url:
      if (arg) rule.host = std::string(*arg);
      break;
    case FaultKind::count_skew:
      if (arg) rule.skew = number(*arg, "assets");
      break;
    case FaultKind::low_remaining:
      if (arg) rule.remaining = number(*arg, "calls");
      break;
    default:
      if (arg)
        throw std::invalid_argument("fault spec: " + std::string(kind_name) + " takes no argument");
  }
  while (!options.empty()) {
    const auto next = options.find(',');
    const std::string_view option = trim(options.substr(0, next));
    options = next == std::string_view::npos ? std::string_view{} : options.substr(next + 1);
    if (option.starts_with("nth=")) {
      rule.nth = static_cast<std::uint64_t>(number(option.substr(4), "nth"));
      if (rule.nth == 0) throw std::invalid_argument("fault spec: nth starts at 1");
    } else if (option == "times=forever" || option == "forever") {
      rule.times = 0;
    } else if (option.starts_with("times=")) {
      rule.times = static_cast<std::uint64_t>(number(option.substr(6), "times"));
      if (rule.times == 0)
        throw std::invalid_argument("fault spec: times must be >= 1 (or forever)");
    } else {
      throw std::invalid_argument("fault spec: unknown option '" + std::string(option) + "'");
    }
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
