#include "jobs/record_writers.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "common/error.hpp"
#include "jobs/asset_columns.hpp"
#include "jobs/columns.hpp"
#include "jobs/kb_columns.hpp"
#include "jobs/vm_columns.hpp"

namespace qi::jobs {

namespace {

// std::to_chars into a small stack buffer: this runs once per row.
class IntText {
 public:
  explicit IntText(std::int64_t value) {
    auto result = std::to_chars(buffer_, buffer_ + sizeof buffer_, value);
    size_ = static_cast<std::size_t>(result.ptr - buffer_);
  }
  std::string_view view() const { return {buffer_, size_}; }

 private:
  char buffer_[24];
  std::size_t size_ = 0;
};

bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

void write_asset_row(output::CsvWriter& assets, const qualys::Asset& a,
                     const std::vector<config::Column>& extra) {
  IntText id(a.asset_id);
  if (extra.empty()) {
    assets.write_row({id.view(), a.asset_uuid, a.address, a.asset_name, a.netbios_name,
                      a.last_logged_on_user, a.bios_serial_number, a.bios_asset_tag, a.os_full_name,
                      a.os_category1, a.os_category2, a.hw_full_name, a.hw_category1,
                      a.hw_category2, a.last_modified_date, a.created_date});
    return;
  }
  std::vector<std::string> values;
  values.reserve(extra.size());
  for (auto column : extra) values.push_back(asset_value(column, a));
  std::vector<std::string_view> row{id.view(),
                                    a.asset_uuid,
                                    a.address,
                                    a.asset_name,
                                    a.netbios_name,
                                    a.last_logged_on_user,
                                    a.bios_serial_number,
                                    a.bios_asset_tag,
                                    a.os_full_name,
                                    a.os_category1,
                                    a.os_category2,
                                    a.hw_full_name,
                                    a.hw_category1,
                                    a.hw_category2,
                                    a.last_modified_date,
                                    a.created_date};
  row.insert(row.end(), values.begin(), values.end());
  assets.write_row(row);
}

void write_kb_rows(output::CsvWriter& vulnkb, output::CsvWriter& cve, const qualys::KbVuln& vuln,
                   const std::vector<config::Column>& extra) {
  IntText qid(vuln.qid);
  if (extra.empty()) {
    vulnkb.write_row({qid.view(), vuln.title, vuln.category, vuln.severity_level});
  } else {
    std::vector<std::string> values;
    values.reserve(extra.size());
    for (auto column : extra) values.push_back(kb_value(column, vuln));
    std::vector<std::string_view> row{qid.view(), vuln.title, vuln.category, vuln.severity_level};
    row.insert(row.end(), values.begin(), values.end());
    vulnkb.write_row(row);
  }
  const auto& ids = vuln.cves;
  for (auto id = ids.begin(); id != ids.end(); ++id) {
    // An evaluation subscription's KB has `<CVE><ID><![CDATA[]]></ID></CVE>`, and a QID can list
    // one CVE twice: neither is a pair Jira should import. A QID has a few CVEs, rarely hundreds:
    // looking back over them beats hashing.
    if (is_blank(*id) || std::find(ids.begin(), id, *id) != id) continue;
    cve.write_row({qid.view(), *id});
  }
}

void DetectionRowWriter::write(const qualys::DetectionHost& host) {
  if (last_host_id_ && host.host_id <= *last_host_id_) {
    throw TransientError("host detection output out of order: host " +
                         std::to_string(host.host_id) + " after host " +
                         std::to_string(*last_host_id_));
  }
  last_host_id_ = host.host_id;
  ++hosts_;
  if (!extra_.empty()) {
    write_with_extra_columns(host);
    return;
  }
  IntText host_id(host.host_id);
  seen_.clear();
  for (auto qid : host.qids) {
    // A host has tens to hundreds of detections: a linear scan beats hashing here.
    if (std::find(seen_.begin(), seen_.end(), qid) != seen_.end()) continue;
    seen_.push_back(qid);
    IntText qid_text(qid);
    vm_.write_row({host_id.view(), host.qg_hostid, qid_text.view()});
  }
}

void DetectionRowWriter::write_with_extra_columns(const qualys::DetectionHost& host) {
  // Host columns only: the parser collected no detection fields.
  const bool details = !host.details.empty();
  if (details && host.details.size() != host.qids.size()) {
    throw FatalError("host " + std::to_string(host.host_id) +
                     ": the detection parser did not collect the extra columns' fields");
  }
  seen_.clear();
  std::vector<CombinedDetection> pairs;
  for (std::size_t i = 0; i < host.qids.size(); ++i) {
    const auto detection = details ? host.details[i] : qualys::Detection{.qid = host.qids[i]};
    const auto at = std::find(seen_.begin(), seen_.end(), detection.qid);
    if (at == seen_.end()) {
      seen_.push_back(detection.qid);
      pairs.emplace_back(detection);
    } else {
      pairs[static_cast<std::size_t>(at - seen_.begin())].add(detection);
    }
  }
  IntText host_id(host.host_id);
  std::vector<std::string> values(extra_.size());
  std::vector<std::string_view> row(kVmHeader.size() + extra_.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    IntText qid_text(seen_[i]);
    row[0] = host_id.view();
    row[1] = host.qg_hostid;
    row[2] = qid_text.view();
    for (std::size_t c = 0; c < extra_.size(); ++c) {
      values[c] = pairs[i].value(extra_[c], host);
      row[kVmHeader.size() + c] = values[c];
    }
    vm_.write_row(row);
  }
}

}  // namespace qi::jobs
