// Which detections host detection (HLD) returns for the request's filter parameters. Shared by
// the endpoint and the expected-CSV oracle so both agree on what "the data" is.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "qualys_sim/data_spec.hpp"
#include "qualys_sim/sim_util.hpp"

namespace qi::sim {

struct DetectionFilter {
  // Defaults are the simulator's server defaults for absent parameters: status
  // New,Active,Re-Opened (Fixed only on request; the real default is undocumented,
  // docs/qualys-api.md §6.1, so clients should send status explicitly), all severities, show_igs=0,
  // include_ignored=0, include_disabled=0.
  std::vector<std::string> statuses{"New", "Active", "Re-Opened"};
  std::vector<int> severities;  // empty: all
  bool show_igs = false;
  bool include_ignored = false;
  bool include_disabled = false;
  std::optional<IdRanges> qids;

  // Everything: all four statuses, IGs, ignored and disabled detections.
  static DetectionFilter all();

  bool accepts(const SimDetection& detection) const;
};

// Reads status, severities, show_igs, include_ignored, include_disabled, qids from a request.
// Returns the name of the first malformed parameter in `bad_param` (Qualys answers 1905).
DetectionFilter detection_filter_from(const Params& params, std::string* bad_param);

// The detections of one host that pass the filter (document order).
std::vector<SimDetection> filtered_detections(const DataSpec& spec, std::int64_t host_index,
                                              const DetectionFilter& filter);

}  // namespace qi::sim
