#include "jobs/kb_columns.hpp"

#include "jobs/multi_value.hpp"
#include "qualys/iso_time.hpp"

namespace qi::jobs {

namespace {

using config::Column;

std::string date(std::int64_t seconds) {
  return seconds < 0 ? std::string() : qualys::iso_from_seconds(seconds);
}

}  // namespace

qualys::KbFields kb_fields(const std::vector<Column>& columns) {
  qualys::KbFields f;
  for (Column column : columns) {
    switch (column) {
      case Column::kb_type:
        f.vuln_type = true;
        break;
      case Column::kb_published:
        f.published = true;
        break;
      case Column::kb_last_modified:
        f.last_modified = true;
        break;
      case Column::kb_patchable:
        f.patchable = true;
        break;
      case Column::kb_cvss_v2_base:
        f.cvss_v2_base = true;
        break;
      case Column::kb_cvss_v3_base:
        f.cvss_v3_base = true;
        break;
      case Column::kb_cvss_v3_vector:
        f.cvss_v3_vector = true;
        break;
      case Column::kb_pci_flag:
        f.pci_flag = true;
        break;
      case Column::kb_threat_intel:
        f.threat_intel = true;
        break;
      case Column::kb_vendor_references:
        f.vendor_references = true;
        break;
      default:
        break;
    }
  }
  return f;
}

std::string kb_value(Column column, const qualys::KbVuln& v) {
  switch (column) {
    case Column::kb_type:
      return v.vuln_type;
    case Column::kb_published:
      return date(v.published);
    case Column::kb_last_modified:
      return date(v.last_modified);
    case Column::kb_patchable:
      return v.patchable;
    case Column::kb_cvss_v2_base:
      return v.cvss_v2_base;
    case Column::kb_cvss_v3_base:
      return v.cvss_v3_base;
    case Column::kb_cvss_v3_vector:
      return v.cvss_v3_vector;
    case Column::kb_pci_flag:
      return v.pci_flag;
    case Column::kb_threat_intel:
      return joined(v.threat_intel, true);
    case Column::kb_vendor_references:
      return joined(v.vendor_references, false);
    default:
      return {};
  }
}

}  // namespace qi::jobs
