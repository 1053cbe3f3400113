#include "assets_sim/faults.hpp"

#include <array>
#include <map>
#include <stdexcept>

#include "sim_common/fault_spec.hpp"

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

void apply_argument(FaultRule& rule, const sim_common::FaultSpec& parts) {
  const auto& arg = parts.argument;
  using sim_common::fault_number;
  switch (rule.kind) {
    case FaultKind::http_status:
      rule.status = sim_common::fault_status(parts);
      return;
    case FaultKind::too_many_429:
      if (arg) rule.seconds = fault_number(*arg, "seconds");
      return;
    case FaultKind::slow:
      rule.delay = std::chrono::milliseconds(arg ? fault_number(*arg, "milliseconds") : 1000);
      return;
    case FaultKind::drip:
      rule.delay = std::chrono::milliseconds(arg ? fault_number(*arg, "milliseconds") : 50);
      return;
    default:
      sim_common::refuse_argument(parts);
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
  const auto parts = sim_common::split_fault_spec(spec, "FAMILY");
  FaultRule rule;
  rule.family = std::string(parts.target);
  if (!is_family(rule.family)) {
    throw std::invalid_argument("fault spec: unknown family '" + rule.family +
                                "' (dc-progress, dc-start, info, status, mapping, start, data, "
                                "progress, execstatus, cancel, dc, cloud, any)");
  }
  const auto kind = kinds().find(parts.kind);
  if (kind == kinds().end()) {
    throw std::invalid_argument("fault spec: unknown kind '" + std::string(parts.kind) + "'");
  }
  rule.kind = kind->second;
  rule.nth = parts.nth;
  rule.times = parts.times;
  apply_argument(rule, parts);
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
