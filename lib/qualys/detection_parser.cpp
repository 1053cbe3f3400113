#include "qualys/detection_parser.hpp"

#include <utility>

#include "common/error.hpp"
#include "qualys/iso_time.hpp"

namespace qi::qualys {
namespace {

// The element names matched below; the enum mirrors the list (ids start at 1).
enum Name : xml::NameId {
  kResponse = 1,
  kHostList,
  kHost,
  kId,
  kQgHostid,
  kDetectionList,
  kDetection,
  kQid,
  kIp,
  kDns,
  kNetbios,
  kOs,
  kStatus,
  kType,
  kSeverity,
  kPort,
  kFirstFound,
  kLastFound,
  kLastFixed,
  kTimesFound,
  kQds,
  kIsIgnored,
  kIsDisabled,
};

const xml::ElementNames& detection_names() {
  static const xml::ElementNames names{"RESPONSE",
                                       "HOST_LIST",
                                       "HOST",
                                       "ID",
                                       "QG_HOSTID",
                                       "DETECTION_LIST",
                                       "DETECTION",
                                       "QID",
                                       "IP",
                                       "DNS",
                                       "NETBIOS",
                                       "OS",
                                       "STATUS",
                                       "TYPE",
                                       "SEVERITY",
                                       "PORT",
                                       "FIRST_FOUND_DATETIME",
                                       "LAST_FOUND_DATETIME",
                                       "LAST_FIXED_DATETIME",
                                       "TIMES_FOUND",
                                       "QDS",
                                       "IS_IGNORED",
                                       "IS_DISABLED"};
  return names;
}

// One HOST is held whole until its end tag: more QIDs than Qualys has (a few hundred thousand,
// retired ones included) cannot be real detections of one host.
constexpr std::size_t kMaxDetectionsPerHost = std::size_t{1} << 20;
// With extra columns each detection also keeps its fields (about 56 bytes): a quarter of that
// keeps one host under 16 MiB and is still above the number of QIDs Qualys has.
constexpr std::size_t kMaxDetailedDetectionsPerHost = std::size_t{1} << 18;

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

DetectionStatus status_of(const std::string& text) {
  if (text == "New") return DetectionStatus::new_;
  if (text == "Active") return DetectionStatus::active;
  if (text == "Re-Opened") return DetectionStatus::reopened;
  if (text == "Fixed") return DetectionStatus::fixed;
  throw FatalError("host detection STATUS '" + text.substr(0, 40) +
                   "' is none of New, Active, Re-Opened, Fixed");
}

DetectionType type_of(const std::string& text) {
  if (text == "Confirmed") return DetectionType::confirmed;
  if (text == "Potential") return DetectionType::potential;
  if (text == "Info") return DetectionType::info;
  throw FatalError("host detection TYPE '" + text.substr(0, 40) +
                   "' is none of Confirmed, Potential, Info");
}

}  // namespace

DetectionParser::DetectionParser(std::function<void(DetectionHost&&)> on_host,
                                 DetectionFields fields)
    : QualysXmlDocument("HOST_LIST_VM_DETECTION_OUTPUT", detection_names()),
      on_host_(std::move(on_host)),
      fields_(fields) {}

bool DetectionParser::on_start(Path path) {
  if (is(path, {kResponse, kHostList, kHost})) {
    current_ = DetectionHost{};
    have_id_ = false;
    return false;
  }
  if (fields_.details && is(path, {kResponse, kHostList, kHost, kDetectionList, kDetection})) {
    if (current_.details.size() >= kMaxDetailedDetectionsPerHost) refuse(current_.details.size());
    current_.details.emplace_back();
    detection_has_qid_ = false;
    return false;
  }
  if (path.size() == 5 && is(path.first(4), {kResponse, kHostList, kHost})) {
    switch (path.back()) {
      case kId:
      case kQgHostid:
        return true;
      case kIp:
        return fields_.ip;
      case kDns:
        return fields_.dns;
      case kNetbios:
        return fields_.netbios;
      case kOs:
        return fields_.os;
      default:
        return false;
    }
  }
  if (path.size() == 7 &&
      is(path.first(6), {kResponse, kHostList, kHost, kDetectionList, kDetection})) {
    return path.back() == kQid || (fields_.details && path.back() >= kStatus);
  }
  return false;
}

void DetectionParser::refuse(std::size_t limit) const {
  throw RefusedDocument("refused XML: host " + std::to_string(current_.host_id) +
                        " has more than " + std::to_string(limit) +
                        " detections, more than there are QIDs (docs/security.md); check "
                        "what answers at this address (server, proxy)");
}

std::int64_t DetectionParser::integer(Path path, const std::string& text) const {
  auto value = to_int64(text);
  if (!value) {
    throw FatalError("host detection " + std::string(name_of(path.back())) +
                     " is not an integer: '" + text + "'");
  }
  return *value;
}

void DetectionParser::on_text(Path path, std::string text) {
  const xml::NameId leaf = path.back();
  if (path.size() == 5) {
    switch (leaf) {
      case kId:
        current_.host_id = integer(path, text);
        have_id_ = true;
        return;
      // Identifiers and names: surrounding whitespace can only be pretty-printing.
      case kQgHostid:
        current_.qg_hostid = trim(text);
        return;
      case kIp:
        current_.ip = trim(text);
        return;
      case kDns:
        current_.dns = trim(text);
        return;
      case kNetbios:
        current_.netbios = trim(text);
        return;
      case kOs:
        current_.os = trim(text);
        return;
      default:
        return;
    }
  }
  if (leaf == kQid) {
    if (current_.qids.size() >= kMaxDetectionsPerHost) refuse(kMaxDetectionsPerHost);
    current_.qids.push_back(integer(path, text));
    if (fields_.details) {
      current_.details.back().qid = current_.qids.back();
      detection_has_qid_ = true;
    }
    return;
  }
  // Empty and absent elements alike mean "not known" (hld_extra_columns.xml has both).
  if (is_blank(text)) return;
  detection_field(path, trim(text));
}

void DetectionParser::detection_field(Path path, const std::string& text) {
  Detection& d = current_.details.back();
  auto date = [&] {
    auto seconds = parse_iso_seconds(text);
    if (!seconds) {
      throw FatalError("host detection " + std::string(name_of(path.back())) +
                       " is not an ISO-8601 date: '" + text.substr(0, 40) + "'");
    }
    return *seconds;
  };
  auto bounded = [&](std::int64_t max) {
    const auto value = integer(path, text);
    if (value < 0 || value > max) {
      throw FatalError("host detection " + std::string(name_of(path.back())) + " out of range: '" +
                       text + "'");
    }
    return value;
  };
  switch (path.back()) {
    case kStatus:
      d.status = status_of(text);
      break;
    case kType:
      d.type = type_of(text);
      break;
    case kSeverity:
      d.severity = static_cast<std::int8_t>(bounded(5));
      break;
    case kPort:
      d.port = static_cast<std::int32_t>(bounded(65535));
      break;
    case kFirstFound:
      d.first_found = date();
      break;
    case kLastFound:
      d.last_found = date();
      break;
    case kLastFixed:
      d.last_fixed = date();
      break;
    case kTimesFound:
      d.times_found = bounded(std::int64_t{1} << 40);
      break;
    case kQds:
      d.qds = static_cast<std::int16_t>(bounded(100));
      break;
    case kIsIgnored:
      d.is_ignored = static_cast<std::int8_t>(bounded(1));
      break;
    case kIsDisabled:
      d.is_disabled = static_cast<std::int8_t>(bounded(1));
      break;
    default:
      break;
  }
}

void DetectionParser::on_end(Path path) {
  if (fields_.details && is(path, {kResponse, kHostList, kHost, kDetectionList, kDetection})) {
    // A DETECTION without a QID is skipped, as for the legacy columns: details follow qids.
    if (!detection_has_qid_) current_.details.pop_back();
    return;
  }
  if (!is(path, {kResponse, kHostList, kHost})) return;
  if (!have_id_) throw FatalError("host detection HOST without an ID");
  ++host_count_;
  on_host_(std::move(current_));
  current_ = DetectionHost{};
}

}  // namespace qi::qualys
