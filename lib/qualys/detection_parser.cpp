#include "qualys/detection_parser.hpp"

#include <utility>

#include "common/error.hpp"

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
  kQid
};

const xml::ElementNames& detection_names() {
  static const xml::ElementNames names{"RESPONSE",  "HOST_LIST",      "HOST",      "ID",
                                       "QG_HOSTID", "DETECTION_LIST", "DETECTION", "QID"};
  return names;
}

// One HOST is held whole until its end tag: more QIDs than Qualys has (a few hundred thousand,
// retired ones included) cannot be real detections of one host.
constexpr std::size_t kMaxDetectionsPerHost = std::size_t{1} << 20;

}  // namespace

DetectionParser::DetectionParser(std::function<void(DetectionHost&&)> on_host)
    : QualysXmlDocument("HOST_LIST_VM_DETECTION_OUTPUT", detection_names()),
      on_host_(std::move(on_host)) {}

bool DetectionParser::on_start(Path path) {
  if (is(path, {kResponse, kHostList, kHost})) {
    current_ = DetectionHost{};
    have_id_ = false;
    return false;
  }
  return is(path, {kResponse, kHostList, kHost, kId}) ||
         is(path, {kResponse, kHostList, kHost, kQgHostid}) ||
         is(path, {kResponse, kHostList, kHost, kDetectionList, kDetection, kQid});
}

void DetectionParser::on_text(Path path, std::string text) {
  const xml::NameId leaf = path.back();
  if (leaf == kQgHostid) {
    current_.qg_hostid = trim(text);  // an identifier: whitespace can only be pretty-printing
    return;
  }
  auto value = to_int64(text);
  if (!value) {
    throw FatalError("host detection " + std::string(name_of(leaf)) + " is not an integer: '" +
                     text + "'");
  }
  if (leaf == kId) {
    current_.host_id = *value;
    have_id_ = true;
  } else {
    if (current_.qids.size() >= kMaxDetectionsPerHost) {
      throw RefusedDocument("refused XML: host " + std::to_string(current_.host_id) +
                            " has more than " + std::to_string(kMaxDetectionsPerHost) +
                            " detections, more than there are QIDs (docs/security.md); check "
                            "what answers at this address (server, proxy)");
    }
    current_.qids.push_back(*value);
  }
}

void DetectionParser::on_end(Path path) {
  if (!is(path, {kResponse, kHostList, kHost})) return;
  if (!have_id_) throw FatalError("host detection HOST without an ID");
  ++host_count_;
  on_host_(std::move(current_));
  current_ = DetectionHost{};
}

}  // namespace qi::qualys
