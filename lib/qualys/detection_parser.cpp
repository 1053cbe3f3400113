#include "qualys/detection_parser.hpp"

#include <utility>

#include "common/error.hpp"

namespace qi::qualys {

DetectionParser::DetectionParser(std::function<void(DetectionHost&&)> on_host)
    : QualysXmlDocument("HOST_LIST_VM_DETECTION_OUTPUT"), on_host_(std::move(on_host)) {}

bool DetectionParser::on_start(Path path) {
  if (is(path, {"RESPONSE", "HOST_LIST", "HOST"})) {
    current_ = DetectionHost{};
    have_id_ = false;
    return false;
  }
  return is(path, {"RESPONSE", "HOST_LIST", "HOST", "ID"}) ||
         is(path, {"RESPONSE", "HOST_LIST", "HOST", "QG_HOSTID"}) ||
         is(path, {"RESPONSE", "HOST_LIST", "HOST", "DETECTION_LIST", "DETECTION", "QID"});
}

void DetectionParser::on_text(Path path, std::string text) {
  const std::string& leaf = path.back();
  if (leaf == "QG_HOSTID") {
    current_.qg_hostid = trim(text);  // an identifier: whitespace can only be pretty-printing
    return;
  }
  auto value = to_int64(text);
  if (!value) {
    throw FatalError("host detection " + leaf + " is not an integer: '" + text + "'");
  }
  if (leaf == "ID") {
    current_.host_id = *value;
    have_id_ = true;
  } else {
    current_.qids.push_back(*value);
  }
}

void DetectionParser::on_end(Path path) {
  if (!is(path, {"RESPONSE", "HOST_LIST", "HOST"})) return;
  if (!have_id_) throw FatalError("host detection HOST without an ID");
  ++host_count_;
  on_host_(std::move(current_));
  current_ = DetectionHost{};
}

}  // namespace qi::qualys
