// Streaming parser of a host detection page (HOST_LIST_VM_DETECTION_OUTPUT). Owned by the vm job
// for one page. Emits one DetectionHost per HOST at its end tag; DETECTION/RESULTS (which can be
// large) is skipped without accumulating its text, and so is every field the chosen extra
// columns do not need (DetectionFields). A truncated page carries WARNING 1980 after
// HOST_LIST: next_page_url() (from the base) is then the next page.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "qualys/qualys_xml_document.hpp"
#include "qualys/records.hpp"

namespace qi::qualys {

class DetectionParser final : public QualysXmlDocument {
 public:
  explicit DetectionParser(std::function<void(DetectionHost&&)> on_host,
                           DetectionFields fields = {});

  std::size_t host_count() const { return host_count_; }

 private:
  bool on_start(Path path) override;
  void on_text(Path path, std::string text) override;
  void on_end(Path path) override;

  [[noreturn]] void refuse(std::size_t limit) const;
  std::int64_t integer(Path path, const std::string& text) const;
  void detection_field(Path path, const std::string& text);

  std::function<void(DetectionHost&&)> on_host_;
  DetectionFields fields_;
  DetectionHost current_;
  bool have_id_ = false;
  bool detection_has_qid_ = false;
  std::size_t host_count_ = 0;
};

}  // namespace qi::qualys
