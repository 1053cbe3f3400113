#include "insight/cloud_scope.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <utility>

#include "common/error.hpp"
#include "insight/csv_row_reader.hpp"
#include "insight/object_chunks.hpp"
#include "output/csv_lines.hpp"

namespace qi::insight {
namespace {

constexpr std::string_view kDetectedQidColumn = "QID";

// The files that vulnerabilities: detected narrows, and the column of each holding the row's QID
// (the columns the Vulnerability and CVE mappings identify their objects by).
constexpr std::array<std::pair<std::string_view, std::string_view>, 2> kScopeColumns = {{
    {"vulnkb.csv", "QID_KB"},
    {"cve.csv", "QID_CVE"},
}};

// The QID of each row of one published file, from one named column.
class QidColumn {
 public:
  QidColumn(const std::filesystem::path& file, std::string_view column)
      : rows_(file, kMaxRowBytes) {
    const auto header = rows_.next_line();
    if (!header) throw FatalError(file.string() + " is empty: no header line");
    std::string_view rest = *header;
    for (std::size_t i = 0; const auto name = output::next_field(rest); ++i) {
      if (*name == column) {
        index_ = i;
        return;
      }
    }
    throw FatalError(file.string() + " has no column \"" + std::string(column) +
                     "\", which insight.cloud.vulnerabilities: detected reads");
  }

  // The next row's QID; nullopt at the end of the file.
  std::optional<std::uint32_t> next() {
    const auto row = rows_.next_line();
    if (!row) return std::nullopt;
    std::string_view rest = *row;
    for (std::size_t i = 0;; ++i) {
      const auto field = output::next_field(rest);
      if (!field) {
        throw FatalError(rows_.file().string() + ": line " + std::to_string(rows_.line_number()) +
                         " has no QID column");
      }
      if (i < index_) continue;
      try {
        return parse_qid(*field);
      } catch (const FatalError& error) {
        throw FatalError(rows_.file().string() + ": line " + std::to_string(rows_.line_number()) +
                         ": " + error.what());
      }
    }
  }

 private:
  CsvRowReader rows_;
  std::size_t index_ = 0;
};

}  // namespace

void QidSet::insert(std::uint32_t qid) {
  if (batch_.capacity() == 0) batch_.reserve(kBatch);
  batch_.push_back(qid);
  if (batch_.size() == kBatch) merge_batch();
}

void QidSet::seal() {
  merge_batch();
  batch_ = {};
  sorted_.shrink_to_fit();
}

void QidSet::merge_batch() {
  std::sort(batch_.begin(), batch_.end());
  batch_.erase(std::unique(batch_.begin(), batch_.end()), batch_.end());
  std::vector<std::uint32_t> merged;
  merged.reserve(sorted_.size() + batch_.size());
  std::set_union(sorted_.begin(), sorted_.end(), batch_.begin(), batch_.end(),
                 std::back_inserter(merged));
  peak_bytes_ = std::max(peak_bytes_, (sorted_.capacity() + batch_.capacity() + merged.capacity()) *
                                          sizeof(std::uint32_t));
  sorted_ = std::move(merged);
  batch_.clear();
}

bool QidSet::contains(std::uint32_t qid) const {
  return std::binary_search(sorted_.begin(), sorted_.end(), qid);
}

std::optional<std::string_view> scope_column(std::string_view file) {
  for (const auto& [name, column] : kScopeColumns) {
    if (name == file) return column;
  }
  return std::nullopt;
}

QidSet detected_qids(const std::filesystem::path& vm_csv) {
  QidColumn qids(vm_csv, kDetectedQidColumn);
  QidSet set;
  while (const auto qid = qids.next()) set.insert(*qid);
  set.seal();
  return set;
}

std::uint64_t count_rows_in_scope(const std::filesystem::path& file, const RowScope& scope) {
  QidColumn qids(file, scope.column);
  std::uint64_t rows = 0;
  while (const auto qid = qids.next()) rows += scope.qids->contains(*qid) ? 1 : 0;
  return rows;
}

std::uint32_t parse_qid(std::string_view cell) {
  const auto number = output::to_int(cell);
  if (!number || *number < 0 || *number > std::numeric_limits<std::uint32_t>::max()) {
    throw FatalError("the QID \"" + std::string(cell.substr(0, 20)) + "\" is not a number");
  }
  return static_cast<std::uint32_t>(*number);
}

}  // namespace qi::insight
