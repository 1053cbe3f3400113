#include "qualys_sim/detection_filter.hpp"

#include <algorithm>

namespace qi::sim {

DetectionFilter DetectionFilter::all() {
  DetectionFilter f;
  f.statuses = {"New", "Active", "Re-Opened", "Fixed"};
  f.show_igs = true;
  f.include_ignored = true;
  f.include_disabled = true;
  return f;
}

bool DetectionFilter::accepts(const SimDetection& d) const {
  if (std::find(statuses.begin(), statuses.end(), d.status) == statuses.end()) return false;
  if (!severities.empty() &&
      std::find(severities.begin(), severities.end(), d.severity) == severities.end()) {
    return false;
  }
  if (d.type == "Info" && !show_igs) return false;
  if (d.ignored && !include_ignored) return false;
  if (d.disabled && !include_disabled) return false;
  if (qids && !in_ranges(*qids, d.qid)) return false;
  return true;
}

namespace {

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(std::move(item));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::optional<bool> parse_flag(const Params& params, const char* name, bool fallback, bool& bad) {
  const auto value = param(params, name);
  if (!value) return fallback;
  if (*value == "0") return false;
  if (*value == "1") return true;
  bad = true;
  return std::nullopt;
}

}  // namespace

DetectionFilter detection_filter_from(const Params& params, std::string* bad_param) {
  DetectionFilter f;
  auto fail = [&](const char* name) {
    if (bad_param && bad_param->empty()) *bad_param = name;
  };
  if (const auto status = param(params, "status")) {
    f.statuses = split_commas(*status);
    for (const auto& s : f.statuses) {
      if (s != "New" && s != "Active" && s != "Re-Opened" && s != "Fixed") fail("status");
    }
  }
  if (const auto severities = param(params, "severities")) {
    // "1-3" or "3,4,5"
    const auto ranges = parse_id_ranges(*severities);
    if (!ranges) {
      fail("severities");
    } else {
      for (const auto& [lo, hi] : *ranges) {
        if (lo < 1 || hi > 5) fail("severities");
        for (auto s = std::max<std::int64_t>(lo, 1); s <= std::min<std::int64_t>(hi, 5); ++s) {
          f.severities.push_back(static_cast<int>(s));
        }
      }
    }
  }
  bool bad = false;
  f.show_igs = parse_flag(params, "show_igs", false, bad).value_or(false);
  if (bad) fail("show_igs");
  bad = false;
  f.include_ignored = parse_flag(params, "include_ignored", false, bad).value_or(false);
  if (bad) fail("include_ignored");
  bad = false;
  f.include_disabled = parse_flag(params, "include_disabled", false, bad).value_or(false);
  if (bad) fail("include_disabled");
  if (const auto qids = param(params, "qids")) {
    f.qids = parse_id_ranges(*qids);
    if (!f.qids) fail("qids");
  }
  return f;
}

std::vector<SimDetection> filtered_detections(const DataSpec& spec, std::int64_t host_index,
                                              const DetectionFilter& filter) {
  auto all = detections_at(spec, host_index);
  std::vector<SimDetection> out;
  out.reserve(all.size());
  for (auto& d : all) {
    if (filter.accepts(d)) out.push_back(std::move(d));
  }
  return out;
}

}  // namespace qi::sim
