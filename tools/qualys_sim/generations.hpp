// The churn plan behind DataSpec::generation_times: which slots each step adds, changes or
// removes. Computed per record from (seed, record type, index) in O(generation) time, without
// tables, so every endpoint and the oracle agree on any page of any generation.
#pragma once

#include <cstdint>

#include "qualys_sim/data_spec.hpp"

namespace qi::sim {

enum class RecordType { asset = 0, vuln = 1, host = 2 };

struct RecordHistory {
  bool exists = false;
  int generation = 0;  // the last step that added or changed the record; 0: untouched
  int born = 0;        // the step that added it; 0: it is a generation-0 record
};

RecordHistory record_history(const DataSpec& spec, RecordType type, std::int64_t index);
// Slots after `generation` steps (generation 0: the DataSpec count).
std::int64_t slots_at(const DataSpec& spec, RecordType type, int generation);
// generation_times[step - 1] in seconds since the epoch (1 <= step <= generation).
std::int64_t generation_epoch(const DataSpec& spec, int step);

}  // namespace qi::sim
