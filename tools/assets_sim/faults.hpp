// Faults of the Assets simulator, set in-process with AssetsSimulator::add_fault or as text specs
// (--fault, POST /__assets/faults):
//
//   FAMILY:KIND[:ARG][,nth=N][,times=T|forever]
//
// e.g. "dc-start:status:403", "data:reset-after-apply", "cloud:429:3,times=2". FAMILY is one
// endpoint family (dc-progress, dc-start, info, status, mapping, start, data, progress,
// execstatus, cancel) or a group (dc, cloud, any). nth counts the requests the rule matches after
// it was added (1 = the next one); times is how many consecutive ones it hits (default 1).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qi::assets_sim {

enum class FaultKind {
  http_status,        // ARG status with an Atlassian JSON error body; the request is not applied
  too_many_429,       // 429 with Retry-After ARG (default 2)
  reset,              // read the request, then RST; not applied
  reset_after_apply,  // the request is applied, then RST instead of the answer
  slow,               // ARG ms before the response head (default 1000)
  drip,               // the body one byte every ARG ms (default 50)
  failed_run,         // dc-start: the run it starts ends with result FAILED
};

struct FaultRule {
  std::string family = "any";
  FaultKind kind = FaultKind::http_status;
  int status = 503;
  std::int64_t seconds = 2;            // Retry-After of 429 and of a 503
  std::chrono::milliseconds delay{0};  // slow, drip
  std::uint64_t nth = 1;
  std::uint64_t times = 1;  // 0 = forever
};

// Parses one spec line; throws std::invalid_argument naming the problem.
FaultRule parse_fault_spec(std::string_view spec);

// The active rules with their own counters of matching requests. Not thread-safe (the core
// locks).
class FaultPlan {
 public:
  void add(FaultRule rule) { rules_.push_back({std::move(rule), 0}); }
  void clear() { rules_.clear(); }
  // Counts the request against every rule whose family covers it; the first that fires wins.
  std::optional<FaultRule> match(std::string_view family);

 private:
  struct Active {
    FaultRule rule;
    std::uint64_t seen = 0;
  };
  std::vector<Active> rules_;
};

// True when the rule family (a family or a group) covers the endpoint family.
bool family_covers(std::string_view rule_family, std::string_view family);

}  // namespace qi::assets_sim
