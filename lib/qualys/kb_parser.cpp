#include "qualys/kb_parser.hpp"

#include <utility>

#include "common/error.hpp"

namespace qi::qualys {
namespace {

// RESPONSE/VULN_LIST/VULN: the VULN element is at path index 3.
constexpr std::size_t kVulnDepth = 4;

bool in_vuln(std::span<const std::string> path) {
  return path.size() >= kVulnDepth && path[1] == "RESPONSE" && path[2] == "VULN_LIST" &&
         path[3] == "VULN";
}

}  // namespace

KbParser::KbParser(std::function<void(KbVuln&&)> on_vuln)
    : QualysXmlDocument("KNOWLEDGE_BASE_VULN_LIST_OUTPUT"), on_vuln_(std::move(on_vuln)) {}

bool KbParser::on_start(Path path) {
  if (!in_vuln(path)) return false;
  if (path.size() == kVulnDepth) {
    current_ = KbVuln{};
    have_qid_ = false;
    return false;
  }
  if (path.size() == kVulnDepth + 1) {
    const std::string& leaf = path.back();
    return leaf == "QID" || leaf == "TITLE" || leaf == "CATEGORY" || leaf == "SEVERITY_LEVEL";
  }
  // Only CVE_LIST/CVE/ID: VENDOR_REFERENCE/ID and CVE/URL are not CVEs.
  return is(path, {"RESPONSE", "VULN_LIST", "VULN", "CVE_LIST", "CVE", "ID"});
}

void KbParser::on_text(Path path, std::string text) {
  const std::string& leaf = path.back();
  if (path.size() == kVulnDepth + 1) {
    if (leaf == "QID") {
      auto qid = to_int64(text);
      if (!qid) throw FatalError("KB VULN has a QID that is not an integer: '" + text + "'");
      current_.qid = *qid;
      have_qid_ = true;
    } else if (leaf == "TITLE") {
      current_.title = std::move(text);
    } else if (leaf == "CATEGORY") {
      current_.category = std::move(text);
    } else if (leaf == "SEVERITY_LEVEL") {
      current_.severity_level = std::move(text);
    }
  } else {
    current_.cves.push_back(std::move(text));
  }
}

void KbParser::on_end(Path path) {
  if (path.size() != kVulnDepth || !in_vuln(path)) return;
  if (!have_qid_) throw FatalError("KB VULN without a QID");
  last_qid_ = current_.qid;
  ++vuln_count_;
  on_vuln_(std::move(current_));
  current_ = KbVuln{};
}

}  // namespace qi::qualys
