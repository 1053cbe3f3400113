// The text form both simulators take their faults in (--fault, POST /__sim/faults,
// POST /__assets/faults):
//
//   TARGET:KIND[:ARG][,nth=N][,times=T|forever]
//
// TARGET is qualys-sim's endpoint or assets-sim's endpoint family; which TARGETs, KINDs and ARGs
// exist is each simulator's own (its faults.hpp). This cuts a spec into those fields and reads
// the options every fault shares: nth counts the requests the rule matches after it was added
// (1 = the next one), times is how many consecutive ones it hits (default 1, 0 = forever).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace qi::sim_common {

struct FaultSpec {
  std::string_view target;
  std::string_view kind;
  std::optional<std::string_view> argument;
  std::uint64_t nth = 1;
  std::uint64_t times = 1;  // 0 = forever
};

// Cuts `spec` (surrounding blanks ignored) into its fields; the views point into `spec`.
// `target_word` names TARGET in the error ("ENDPOINT", "FAMILY"). Throws std::invalid_argument
// naming the problem.
FaultSpec split_fault_spec(std::string_view spec, std::string_view target_word);

// A fault argument that must be a non-negative number; throws std::invalid_argument saying
// `what` it is.
std::int64_t fault_number(std::string_view text, std::string_view what);

// The HTTP status a `status` KIND needs as its argument (100 to 599); throws
// std::invalid_argument when it is missing or out of range.
int fault_status(const FaultSpec& spec);

// Throws std::invalid_argument when a KIND that takes no argument was given one.
void refuse_argument(const FaultSpec& spec);

}  // namespace qi::sim_common
