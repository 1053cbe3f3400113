// Merging an incremental pull into the last publication (incremental_base.hpp). Every output
// file is sorted by its first column, a numeric ID (asset, QID, host), and each row is one line
// (the dialect turns line breaks inside values into spaces), so the merge streams both files
// line by line in O(1) memory: the base's rows for the replaced IDs are dropped and the delta's
// rows take their place, in ID order. The result is byte-identical to a full pull of the same
// data.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "output/csv_writer.hpp"

namespace qi::jobs {

// A set of IDs as ascending, disjoint ranges.
class IdSet {
 public:
  // Ranges must come in ascending order; overlapping or adjacent ones are joined.
  void add(std::int64_t first, std::int64_t last);
  bool contains(std::int64_t id) const;
  std::uint64_t size() const { return size_; }
  bool empty() const { return ranges_.empty(); }

 private:
  std::vector<std::pair<std::int64_t, std::int64_t>> ranges_;
  std::uint64_t size_ = 0;
};

// The ID in the first field of a row of ours ("123",...); nullopt if it is not one.
std::optional<std::int64_t> leading_id(std::string_view row);

struct MergeSource {
  std::filesystem::path base;  // the last publication's file (with its header line)
  output::CsvWriter* delta;    // the incremental pull's rows (a segment, no header)
};

// Writes into `out` (which already has its header): every base row whose ID is neither in
// `replaced` nor among the delta's IDs (and, when `present` is given, is in it), and every delta
// row, in ascending ID order (a base row and a delta row never share an ID). `on_row` sees every
// row written, e.g. to collect a column. Throws FatalError when either input is not sorted by ID
// or a row has no ID (a damaged base).
void merge_by_key(const MergeSource& source, const IdSet& replaced, output::CsvWriter& out,
                  const std::function<void(std::string_view row)>& on_row = {},
                  const IdSet* present = nullptr);

}  // namespace qi::jobs
