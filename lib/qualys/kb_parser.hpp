// Streaming parser of a KnowledgeBase vuln list (KNOWLEDGE_BASE_VULN_LIST_OUTPUT). Owned by the kb
// job for one response body. Emits each VULN at its end tag, so memory does not grow with the
// number of VULNs (a details=All KB is hundreds of MB). Beyond the legacy columns' fields it reads
// only those of the chosen vulnkb.csv extra columns (KbFields).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qualys/qualys_xml_document.hpp"
#include "qualys/records.hpp"

namespace qi::qualys {

class KbParser final : public QualysXmlDocument {
 public:
  explicit KbParser(std::function<void(KbVuln&&)> on_vuln, KbFields fields = {});

  std::size_t vuln_count() const { return vuln_count_; }
  // QID of the last VULN emitted (the output is sorted by QID: the next id_min window starts
  // after it).
  std::optional<std::int64_t> last_qid() const { return last_qid_; }

 private:
  bool on_start(Path path) override;
  void on_text(Path path, std::string text) override;
  void on_end(Path path) override;

  bool wanted_field(Path path) const;
  void field_text(Path path, std::string text);
  // Appends to one of the VULN's lists (CVEs, vendor references, threat flags), all of them
  // bounded together like one text.
  void append_bounded(std::vector<std::string>& list, std::string text, std::string_view what);

  std::function<void(KbVuln&&)> on_vuln_;
  KbFields fields_;
  KbVuln current_;
  bool have_qid_ = false;
  std::size_t cve_bytes_ = 0;  // of the VULN's lists
  std::size_t vuln_count_ = 0;
  std::optional<std::int64_t> last_qid_;
};

}  // namespace qi::qualys
