// The vm.csv extra columns (config/column_catalog.hpp): which detection fields the parser must
// collect for them, and how the detections of one (host, QID) pair, one per port, combine into
// the pair's one row. The catalog's `combined` text documents each rule.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/column_catalog.hpp"
#include "qualys/records.hpp"

namespace qi::jobs {

// What DetectionParser must collect for `columns` (none for none).
qualys::DetectionFields detection_fields(const std::vector<config::Column>& columns);

// The detections of one (host, QID) pair folded together.
class CombinedDetection {
 public:
  explicit CombinedDetection(const qualys::Detection& first) : folded_(first) { add_port(first); }

  void add(const qualys::Detection& detection);

  // The value of the vm.csv column `column` for this pair of `host`.
  std::string value(config::Column column, const qualys::DetectionHost& host) const;

 private:
  void add_port(const qualys::Detection& detection);

  qualys::Detection folded_;
  std::vector<std::int32_t> ports_;  // distinct, ascending
};

}  // namespace qi::jobs
