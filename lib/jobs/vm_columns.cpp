#include "jobs/vm_columns.hpp"

#include <algorithm>

#include "qualys/iso_time.hpp"

namespace qi::jobs {

namespace {

using config::Column;
using qualys::Detection;

constexpr std::int64_t kNone = Detection::kNone;

std::int64_t earlier(std::int64_t a, std::int64_t b) {
  if (a == kNone) return b;
  if (b == kNone) return a;
  return std::min(a, b);
}

// Unknown values are negative (or none), below every known one, so the larger wins as is; an
// earlier time and "every one is" must skip them.
// Known values combine as "every one is"; unknown ones do not count.
std::int8_t all_of(std::int8_t a, std::int8_t b) {
  if (a < 0) return b;
  if (b < 0) return a;
  return std::min(a, b);
}

std::string number(std::int64_t value) {
  return value < 0 ? std::string() : std::to_string(value);
}

std::string date(std::int64_t seconds) {
  return seconds == kNone ? std::string() : qualys::iso_from_seconds(seconds);
}

std::string status_text(qualys::DetectionStatus status) {
  switch (status) {
    case qualys::DetectionStatus::new_:
      return "New";
    case qualys::DetectionStatus::active:
      return "Active";
    case qualys::DetectionStatus::reopened:
      return "Re-Opened";
    case qualys::DetectionStatus::fixed:
      return "Fixed";
    case qualys::DetectionStatus::none:
      break;
  }
  return {};
}

std::string type_text(qualys::DetectionType type) {
  switch (type) {
    case qualys::DetectionType::confirmed:
      return "Confirmed";
    case qualys::DetectionType::potential:
      return "Potential";
    case qualys::DetectionType::info:
      return "Info";
    case qualys::DetectionType::none:
      break;
  }
  return {};
}

}  // namespace

qualys::DetectionFields detection_fields(const std::vector<Column>& columns) {
  qualys::DetectionFields fields;
  for (Column column : columns) {
    switch (column) {
      case Column::vm_ip:
        fields.ip = true;
        break;
      case Column::vm_dns:
        fields.dns = true;
        break;
      case Column::vm_netbios:
        fields.netbios = true;
        break;
      case Column::vm_os:
        fields.os = true;
        break;
      default:
        fields.details = true;
        break;
    }
  }
  return fields;
}

void CombinedDetection::add(const Detection& d) {
  folded_.status = std::max(folded_.status, d.status);
  folded_.type = std::max(folded_.type, d.type);
  folded_.severity = std::max(folded_.severity, d.severity);
  folded_.first_found = earlier(folded_.first_found, d.first_found);
  folded_.last_found = std::max(folded_.last_found, d.last_found);
  folded_.last_fixed = std::max(folded_.last_fixed, d.last_fixed);
  folded_.times_found = std::max(folded_.times_found, d.times_found);
  folded_.qds = std::max(folded_.qds, d.qds);
  folded_.is_ignored = all_of(folded_.is_ignored, d.is_ignored);
  folded_.is_disabled = all_of(folded_.is_disabled, d.is_disabled);
  add_port(d);
}

void CombinedDetection::add_port(const Detection& d) {
  if (d.port < 0) return;
  const auto at = std::lower_bound(ports_.begin(), ports_.end(), d.port);
  if (at == ports_.end() || *at != d.port) ports_.insert(at, d.port);
}

std::string CombinedDetection::value(Column column, const qualys::DetectionHost& host) const {
  const Detection& d = folded_;
  switch (column) {
    case Column::vm_status:
      return status_text(d.status);
    case Column::vm_type:
      return type_text(d.type);
    case Column::vm_severity:
      return number(d.severity);
    case Column::vm_first_found:
      return date(d.first_found);
    case Column::vm_last_found:
      return date(d.last_found);
    case Column::vm_last_fixed:
      return date(d.last_fixed);
    case Column::vm_times_found:
      return number(d.times_found);
    case Column::vm_qds:
      return number(d.qds);
    case Column::vm_is_ignored:
      return number(d.is_ignored);
    case Column::vm_is_disabled:
      return number(d.is_disabled);
    case Column::vm_ports: {
      std::string joined;
      for (auto port : ports_)
        joined.append(joined.empty() ? "" : "||").append(std::to_string(port));
      return joined;
    }
    case Column::vm_ip:
      return host.ip;
    case Column::vm_dns:
      return host.dns;
    case Column::vm_netbios:
      return host.netbios;
    case Column::vm_os:
      return host.os;
    default:
      return {};
  }
}

}  // namespace qi::jobs
