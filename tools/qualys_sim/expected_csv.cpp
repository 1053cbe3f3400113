#include "qualys_sim/expected_csv.hpp"

#include <fstream>
#include <initializer_list>
#include <set>
#include <stdexcept>
#include <utility>

namespace qi::sim {

std::string expected_csv_field(std::string_view value) {
  std::string out = "\"";
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\r') {
      out += ' ';
      if (i + 1 < value.size() && value[i + 1] == '\n') ++i;  // CR LF is one break
    } else if (c == '\n') {
      out += ' ';
    } else if (c == '"') {
      out += "\"\"";
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

namespace {

class CsvFile {
 public:
  explicit CsvFile(const std::filesystem::path& path)
      : out_(path, std::ios::binary | std::ios::trunc) {
    if (!out_) throw std::runtime_error("cannot write " + path.string());
  }
  void row(std::initializer_list<std::string_view> fields) {
    bool first = true;
    for (const auto field : fields) {
      if (!first) out_ << ',';
      first = false;
      out_ << expected_csv_field(field);
    }
    out_ << '\n';
  }

 private:
  std::ofstream out_;
};

std::string opt(const std::optional<std::string>& value) {
  return value.value_or("");
}

}  // namespace

void write_expected_csv(const DataSpec& spec, const std::filesystem::path& dir,
                        const DetectionFilter& filter) {
  std::filesystem::create_directories(dir);

  write_expected_assets_csv(spec, dir, {});

  CsvFile kb(dir / "vulnkb.csv");
  CsvFile cve(dir / "cve.csv");
  kb.row({"QID_KB", "Vulnerability", "Category", "SeverityLevel"});
  cve.row({"QID_CVE", "CVE_ID"});
  for (std::int64_t i = 0; i < qid_slots(spec); ++i) {
    const SimVuln v = vuln_at(spec, i);
    const std::string qid = std::to_string(v.qid);
    kb.row({qid, v.title, v.category, std::to_string(v.severity)});
    // One row per distinct non-blank (QID, CVE) pair: the rule of jobs::write_kb_rows. The
    // generator draws a QID's CVE numbers independently, so at scale a QID can list one twice.
    std::set<std::string> listed;
    for (const auto& c : v.cves) {
      if (c.id.find_first_not_of(" \t\r\n") == std::string::npos) continue;
      if (listed.insert(c.id).second) cve.row({qid, c.id});
    }
  }

  CsvFile vm(dir / "vm.csv");
  vm.row({"Host ID", "QG HostID", "QID"});
  for (std::int64_t j = 0; j < host_slots(spec); ++j) {
    if (!host_exists(spec, j)) continue;
    const SimHost host = host_at(spec, j);
    std::set<std::int64_t> seen;
    for (const auto& d : filtered_detections(spec, j, filter)) {
      if (!seen.insert(d.qid).second) continue;  // one row per distinct (host, QID)
      vm.row({std::to_string(host.host_id), opt(host.qg_hostid), std::to_string(d.qid)});
    }
  }
}

}  // namespace qi::sim
