#include "qualys/kb_parser.hpp"

#include <utility>

#include "common/error.hpp"

namespace qi::qualys {
namespace {

// The element names matched below; the enum mirrors the list (ids start at 1).
enum Name : xml::NameId {
  kResponse = 1,
  kVulnList,
  kVuln,
  kQid,
  kTitle,
  kCategory,
  kSeverityLevel,
  kCveList,
  kCve,
  kId
};

const xml::ElementNames& kb_names() {
  static const xml::ElementNames names{"RESPONSE", "VULN_LIST",      "VULN",     "QID", "TITLE",
                                       "CATEGORY", "SEVERITY_LEVEL", "CVE_LIST", "CVE", "ID"};
  return names;
}

// One VULN is held whole until its end tag, so its CVE list is bounded like a text: the most CVEs
// one QID lists in a full KB is in the low thousands, and each ID is short.
constexpr std::size_t kMaxCvesPerVuln = 65536;
constexpr std::size_t kMaxCveBytesPerVuln = xml::ParserLimits{}.max_text_bytes;

// RESPONSE/VULN_LIST/VULN: the VULN element is at path index 3.
constexpr std::size_t kVulnDepth = 4;

bool in_vuln(std::span<const xml::NameId> path) {
  return path.size() >= kVulnDepth && path[1] == kResponse && path[2] == kVulnList &&
         path[3] == kVuln;
}

}  // namespace

KbParser::KbParser(std::function<void(KbVuln&&)> on_vuln)
    : QualysXmlDocument("KNOWLEDGE_BASE_VULN_LIST_OUTPUT", kb_names()),
      on_vuln_(std::move(on_vuln)) {}

bool KbParser::on_start(Path path) {
  if (!in_vuln(path)) return false;
  if (path.size() == kVulnDepth) {
    current_ = KbVuln{};
    have_qid_ = false;
    cve_bytes_ = 0;
    return false;
  }
  if (path.size() == kVulnDepth + 1) {
    const xml::NameId leaf = path.back();
    return leaf == kQid || leaf == kTitle || leaf == kCategory || leaf == kSeverityLevel;
  }
  // Only CVE_LIST/CVE/ID: VENDOR_REFERENCE/ID and CVE/URL are not CVEs.
  return is(path, {kResponse, kVulnList, kVuln, kCveList, kCve, kId});
}

void KbParser::on_text(Path path, std::string text) {
  if (path.size() == kVulnDepth + 1) {
    const xml::NameId leaf = path.back();
    if (leaf == kQid) {
      auto qid = to_int64(text);
      if (!qid) throw FatalError("KB VULN has a QID that is not an integer: '" + text + "'");
      current_.qid = *qid;
      have_qid_ = true;
    } else if (leaf == kTitle) {
      current_.title = std::move(text);
    } else if (leaf == kCategory) {
      current_.category = std::move(text);
    } else if (leaf == kSeverityLevel) {
      current_.severity_level = std::move(text);
    }
  } else {
    cve_bytes_ += text.size();
    if (current_.cves.size() >= kMaxCvesPerVuln || cve_bytes_ > kMaxCveBytesPerVuln) {
      const std::string vuln =
          have_qid_ ? "QID " + std::to_string(current_.qid) : std::string("a KB VULN");
      throw RefusedDocument("refused XML: " + vuln + " lists more than " +
                            std::to_string(kMaxCvesPerVuln) + " CVEs or more than " +
                            std::to_string(kMaxCveBytesPerVuln) +
                            " bytes of CVE IDs (docs/security.md); real Qualys data stays far "
                            "below it, so check what answers at this address (server, proxy)");
    }
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
