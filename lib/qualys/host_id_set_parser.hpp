// Parser of a host list (HOST_LIST_OUTPUT), used to split the detection pull into ID windows.
// With details=None the API returns RESPONSE/ID_SET with ID ("123") and ID_RANGE ("100-200")
// (host_list_details_none_id_set.xml); the guide's truncated sample shows HOST_LIST/HOST/ID
// instead (host_list_truncated_warning_guide.xml), so each HOST/ID is reported as a one-ID range
// too. Ranges are reported in document order; a truncated list has next_page_url().
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "qualys/qualys_xml_document.hpp"

namespace qi::qualys {

class HostIdSetParser final : public QualysXmlDocument {
 public:
  explicit HostIdSetParser(std::function<void(std::int64_t first, std::int64_t last)> on_range);

  std::size_t range_count() const { return range_count_; }

 private:
  bool on_start(Path path) override;
  void on_text(Path path, std::string text) override;

  std::function<void(std::int64_t, std::int64_t)> on_range_;
  std::size_t range_count_ = 0;
};

}  // namespace qi::qualys
