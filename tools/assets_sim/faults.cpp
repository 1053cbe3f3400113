#include "assets_sim/faults.hpp"

#include <array>
#include <map>
#include <stdexcept>

#include "qualys_sim/sim_util.hpp"

namespace qi::assets_sim {

namespace {

constexpr std::array<std::string_view, 2> kDcFamilies = {"dc-progress", "dc-start"};
constexpr std::array<std::string_view, 8> kCloudFamilies = {
    "info", "status", "mapping", "start", "data", "progress", "execstatus", "cancel"};

bool is_family(std::string_view name) {
  for (auto f : kDcFamilies) {
    if (f == name) return true;
  }
  for (auto f : kCloudFamilies) {
    if (f == name) return true;
  }
  return name == "dc" || name == "cloud" || name == "any";
}

const std::map<std::string_view, FaultKind>& kinds() {
  static const std::map<std::string_view, FaultKind> map = {
      {"status", FaultKind::http_status},
      {"429", FaultKind::too_many_429},
      {"reset", FaultKind::reset},
      {"reset-after-apply", FaultKind::reset_after_apply},
      {"slow", FaultKind::slow},
      {"drip", FaultKind::drip},
      {"failed-run", FaultKind::failed_run}};
  return map;
}

std::int64_t number(std::string_view text, std::string_view what) {
  const auto value = qi::sim::parse_int(text);
  if (!value || *value < 0) {
    throw std::invalid_argument("fault spec: " + std::string(what) + " must be a number, got '" +
                                std::string(text) + "'");
  }
  return *value;
}

void apply_argument(FaultRule& rule, std::string_view kind, std::optional<std::string_view> arg) {
  switch (rule.kind) {
    case FaultKind::http_status:
      if (!arg) throw std::invalid_argument("fault spec: status needs a code, e.g. status:503");
      rule.status = static_cast<int>(number(*arg, "status"));
      if (rule.status < 100 || rule.status > 599)
        throw std::invalid_argument("fault spec: bad status");
      return;
    case FaultKind::too_many_429:
      if (arg) rule.seconds = number(*arg, "seconds");
      return;
    case FaultKind::slow:
      rule.delay = std::chrono::milliseconds(arg ? number(*arg, "milliseconds") : 1000);
      return;
    case FaultKind::drip:
      rule.delay = std::chrono::milliseconds(arg ? number(*arg, "milliseconds") : 50);
      return;
    default:
      if (arg)
        throw std::invalid_argument("fault spec: " + std::string(kind) + " takes no argument");
  }
}

void apply_option(FaultRule& rule, std::string_view option) {
  if (option.starts_with("nth=")) {
    rule.nth = static_cast<std::uint64_t>(number(option.substr(4), "nth"));
    if (rule.nth == 0) throw std::invalid_argument("fault spec: nth starts at 1");
  } else if (option == "times=forever" || option == "forever") {
    rule.times = 0;
  } else if (option.starts_with("times=")) {
    rule.times = static_cast<std::uint64_t>(number(option.substr(6), "times"));
    if (rule.times == 0) throw std::invalid_argument("fault spec: times must be >= 1 (or forever)");
  } else {
    throw std::invalid_argument("fault spec: unknown option '" + std::string(option) + "'");
  }
}

}  // namespace

bool family_covers(std::string_view rule_family, std::string_view family) {
  if (rule_family == family || rule_family == "any") return true;
  if (rule_family == "dc") return family.starts_with("dc-");
  if (rule_family == "cloud") {
    for (auto f : kCloudFamilies) {
      if (f == family) return true;
    }
  }
  return false;
}

FaultRule parse_fault_spec(std::string_view spec) {
  const auto comma = spec.find(',');
  const std::string_view head = spec.substr(0, comma);
  std::string_view options =
      comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);

  const auto c1 = head.find(':');
  if (c1 == std::string_view::npos) {
    throw std::invalid_argument("fault spec '" + std::string(spec) +
                                "': expected FAMILY:KIND[:ARG]");
  }
  FaultRule rule;
  rule.family = std::string(head.substr(0, c1));
  if (!is_family(rule.family)) {
    throw std::invalid_argument("fault spec: unknown family '" + rule.family +
                                "' (dc-progress, dc-start, info, status, mapping, start, data, "
                                "progress, execstatus, cancel, dc, cloud, any)");
  }
  const std::string_view rest = head.substr(c1 + 1);
  const auto c2 = rest.find(':');
  const std::string_view kind_name = rest.substr(0, c2);
  const auto kind = kinds().find(kind_name);
  if (kind == kinds().end()) {
    throw std::invalid_argument("fault spec: unknown kind '" + std::string(kind_name) + "'");
  }
  rule.kind = kind->second;
  apply_argument(rule, kind_name,
                 c2 == std::string_view::npos ? std::nullopt : std::optional(rest.substr(c2 + 1)));
  while (!options.empty()) {
    const auto next = options.find(',');
    apply_option(rule, options.substr(0, next));
    options = next == std::string_view::npos ? std::string_view{} : options.substr(next + 1);
  }
  return rule;
}

std::optional<FaultRule> FaultPlan::match(std::string_view family) {
  std::optional<FaultRule> fired;
  for (auto& active : rules_) {
    if (!family_covers(active.rule.family, family)) continue;
    const std::uint64_t n = ++active.seen;
    const FaultRule& rule = active.rule;
    const bool hits = n >= rule.nth && (rule.times == 0 || n < rule.nth + rule.times);
    if (hits && !fired) fired = rule;
  }
  return fired;
}

}  // namespace qi::assets_sim
