// Which rows of the published files an Assets Cloud push takes (insight.cloud.vulnerabilities).
// With `detected` (the default) the push holds the Vulnerability objects of the QIDs that some
// row of vm.csv names, and the CVE rows of those QIDs only: vulnkb.csv and cve.csv carry the
// whole KnowledgeBase (about 160,000 QIDs), more than an Assets Cloud site includes. With `all`
// every row goes. The QIDs are read from vm.csv in one streaming pass and held as a sorted array
// (4 bytes per distinct QID); the CloudImporter counts and sends with them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

namespace qi::insight {

// A set of QIDs, built by inserting them in any order with repeats (one per detection). Memory
// is 4 bytes per distinct QID plus a batch of kBatch insertions merged in sorted; peak_bytes()
// says what it held at most.
class QidSet {
 public:
  static constexpr std::size_t kBatch = 1 << 16;

  void insert(std::uint32_t qid);
  // Merges the last batch in; contains() and size() see every insertion after it.
  void seal();
  bool contains(std::uint32_t qid) const;
  std::size_t size() const { return sorted_.size(); }
  std::size_t peak_bytes() const { return peak_bytes_; }

 private:
  void merge_batch();

  std::vector<std::uint32_t> sorted_;  // distinct, ascending
  std::vector<std::uint32_t> batch_;   // inserted since the last merge
  std::size_t peak_bytes_ = 0;
};

// The rows of one file a push takes: those whose QID in `column` is in `qids`.
struct RowScope {
  std::string_view column;
  const QidSet* qids = nullptr;
};

// The column whose QID decides whether a row of the file is pushed with vulnerabilities:
// detected (vulnkb.csv QID_KB, cve.csv QID_CVE); nullopt for a file pushed whole.
std::optional<std::string_view> scope_column(std::string_view file);

// The QIDs that the rows of vm.csv name (its column QID), read in one streaming pass. Throws
// qi::FatalError when the file cannot be read or a QID is not a number.
QidSet detected_qids(const std::filesystem::path& vm_csv);

// How many rows of the file are in the scope, read in constant memory. Throws qi::FatalError.
std::uint64_t count_rows_in_scope(const std::filesystem::path& file, const RowScope& scope);

// A QID cell as written between its quotes; throws qi::FatalError when it is not a number.
std::uint32_t parse_qid(std::string_view cell);

}  // namespace qi::insight
