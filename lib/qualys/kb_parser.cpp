#include "qualys/kb_parser.hpp"

#include <utility>

#include "common/error.hpp"
#include "qualys/iso_time.hpp"

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
  kId,
  kVulnType,
  kPublished,
  kLastModified,
  kPatchable,
  kPciFlag,
  kCvss,
  kCvssV3,
  kBase,
  kVectorString,
  kThreatIntelligence,
  kThreatIntel,
  kVendorReferenceList,
  kVendorReference,
};

const xml::ElementNames& kb_names() {
  static const xml::ElementNames names{"RESPONSE",
                                       "VULN_LIST",
                                       "VULN",
                                       "QID",
                                       "TITLE",
                                       "CATEGORY",
                                       "SEVERITY_LEVEL",
                                       "CVE_LIST",
                                       "CVE",
                                       "ID",
                                       "VULN_TYPE",
                                       "PUBLISHED_DATETIME",
                                       "LAST_SERVICE_MODIFICATION_DATETIME",
                                       "PATCHABLE",
                                       "PCI_FLAG",
                                       "CVSS",
                                       "CVSS_V3",
                                       "BASE",
                                       "VECTOR_STRING",
                                       "THREAT_INTELLIGENCE",
                                       "THREAT_INTEL",
                                       "VENDOR_REFERENCE_LIST",
                                       "VENDOR_REFERENCE"};
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

KbParser::KbParser(std::function<void(KbVuln&&)> on_vuln, KbFields fields)
    : QualysXmlDocument("KNOWLEDGE_BASE_VULN_LIST_OUTPUT", kb_names()),
      on_vuln_(std::move(on_vuln)),
      fields_(fields) {}

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
    if (leaf == kQid || leaf == kTitle || leaf == kCategory || leaf == kSeverityLevel) return true;
  }
  // Only CVE_LIST/CVE/ID: VENDOR_REFERENCE/ID and CVE/URL are not CVEs.
  return is(path, {kResponse, kVulnList, kVuln, kCveList, kCve, kId}) || wanted_field(path);
}

// The fields of the chosen extra columns (KbFields), nothing else.
bool KbParser::wanted_field(Path path) const {
  const auto& f = fields_;
  if (path.size() == kVulnDepth + 1) {
    switch (path.back()) {
      case kVulnType:
        return f.vuln_type;
      case kPublished:
        return f.published;
      case kLastModified:
        return f.last_modified;
      case kPatchable:
        return f.patchable;
      case kPciFlag:
        return f.pci_flag;
      default:
        return false;
    }
  }
  return (f.cvss_v2_base && is(path, {kResponse, kVulnList, kVuln, kCvss, kBase})) ||
         (f.cvss_v3_base && is(path, {kResponse, kVulnList, kVuln, kCvssV3, kBase})) ||
         (f.cvss_v3_vector && is(path, {kResponse, kVulnList, kVuln, kCvssV3, kVectorString})) ||
         (f.threat_intel &&
          is(path, {kResponse, kVulnList, kVuln, kThreatIntelligence, kThreatIntel})) ||
         (f.vendor_references &&
          is(path, {kResponse, kVulnList, kVuln, kVendorReferenceList, kVendorReference, kId}));
}

void KbParser::on_text(Path path, std::string text) {
  const xml::NameId leaf = path.back();
  if (path.size() == kVulnDepth + 1 && leaf == kQid) {
    auto qid = to_int64(text);
    if (!qid) throw FatalError("KB VULN has a QID that is not an integer: '" + text + "'");
    current_.qid = *qid;
    have_qid_ = true;
  } else if (path.size() == kVulnDepth + 1 && leaf == kTitle) {
    current_.title = std::move(text);
  } else if (path.size() == kVulnDepth + 1 && leaf == kCategory) {
    current_.category = std::move(text);
  } else if (path.size() == kVulnDepth + 1 && leaf == kSeverityLevel) {
    current_.severity_level = std::move(text);
  } else if (leaf == kId && path[kVulnDepth] == kCveList) {
    append_bounded(current_.cves, std::move(text), "CVEs");
  } else {
    field_text(path, std::move(text));
  }
}

void KbParser::append_bounded(std::vector<std::string>& list, std::string text,
                              std::string_view what) {
  cve_bytes_ += text.size();
  if (list.size() >= kMaxCvesPerVuln || cve_bytes_ > kMaxCveBytesPerVuln) {
    const std::string vuln =
        have_qid_ ? "QID " + std::to_string(current_.qid) : std::string("a KB VULN");
    throw RefusedDocument("refused XML: " + vuln + " lists more than " +
                          std::to_string(kMaxCvesPerVuln) + " " + std::string(what) +
                          " or more than " + std::to_string(kMaxCveBytesPerVuln) + " bytes of " +
                          std::string(what) +
                          " (docs/security.md); real Qualys data stays far "
                          "below it, so check what answers at this address (server, proxy)");
  }
  list.push_back(std::move(text));
}

// An extra column's field. Flags and scores are trimmed (pretty-printing only); an empty list
// entry is none.
void KbParser::field_text(Path path, std::string text) {
  std::string value = trim(text);
  auto date = [&] {
    if (value.empty()) return std::int64_t{-1};
    auto seconds = parse_iso_seconds(value);
    if (!seconds) {
      throw FatalError("KB " + std::string(name_of(path.back())) + " is not an ISO-8601 date: '" +
                       value.substr(0, 40) + "'");
    }
    return *seconds;
  };
  switch (path.back()) {
    case kVulnType:
      current_.vuln_type = std::move(value);
      break;
    case kPublished:
      current_.published = date();
      break;
    case kLastModified:
      current_.last_modified = date();
      break;
    case kPatchable:
      current_.patchable = std::move(value);
      break;
    case kPciFlag:
      current_.pci_flag = std::move(value);
      break;
    case kVectorString:
      current_.cvss_v3_vector = std::move(value);
      break;
    case kBase:
      (path[kVulnDepth] == kCvss ? current_.cvss_v2_base : current_.cvss_v3_base) =
          std::move(value);
      break;
    case kThreatIntel:
      if (!value.empty()) append_bounded(current_.threat_intel, std::move(value), "threat flags");
      break;
    case kId:
      if (!value.empty()) {
        append_bounded(current_.vendor_references, std::move(value), "vendor references");
      }
      break;
    default:
      break;
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
