// Turns one published CSV file into the data chunks of an Assets Cloud external import:
//   {"data":{"<selector>":[{...},...]},"clientGeneratedId":"<run>-<seq>","completed":false}
// with at most objects_per_chunk objects each, one object per row, keyed by the mapping's
// attribute locators (cloud_mapping.hpp). The file is streamed: memory is one chunk and one
// line, whatever the file's size. Owned by the push of one execution, one file at a time.
//
// Values: a cell's text as the file holds it (quotes undoubled, backslashes undoubled when the
// files are written with output.double_backslashes). Integers and doubles go as JSON numbers
// when the cell is one, a boolean's "1"/"0" as true/false; a cell that is not of its type goes as
// text, for Assets to refuse that one object. Dates go as written. An empty text cell goes as "",
// so an emptied value is emptied in Assets too; an empty cell of any other type is left out (""
// is no number, date or reference). A multi-valued attribute's cell is split on "||" into an
// array.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "insight/cloud_mapping.hpp"
#include "insight/cloud_scope.hpp"
#include "insight/csv_row_reader.hpp"

namespace qi::insight {

class JsonOutput;

// The VM host ID of a CSAM asset: assets.csv does not carry it, and a Detection finds its Host
// by it. The insight job supplies it; the answer must stay valid while the lookup lives.
class HostIdLookup {
 public:
  virtual ~HostIdLookup() = default;
  // nullopt when VM does not track the asset.
  virtual std::optional<std::string_view> host_id(std::string_view asset_id) const = 0;
};

struct ChunkOptions {
  std::string run_id;  // clientGeneratedId is "<run_id>-<sequence>"
  std::size_t objects_per_chunk = 500;
  // Sequence numbers continue over the files of one execution, so every chunk's ID is unique
  // and a retried chunk keeps its own.
  std::uint64_t first_sequence = 1;
  bool double_backslashes = false;         // the files were written with it
  const HostIdLookup* host_ids = nullptr;  // needed by a mapping with ValueSource::host_id_of_asset
  const RowScope* scope = nullptr;         // only these rows become objects; null: every row
};

// The longest line read: far above any row the jobs write (one value is at most 4 MiB), far
// below what would strain the daemon's memory.
inline constexpr std::size_t kMaxRowBytes = 16 << 20;

class ObjectChunks {
 public:
  // Opens the file and reads its header. Throws qi::FatalError when it cannot be read, a column
  // the mapping names is missing, or the mapping needs host IDs and options.host_ids is null.
  ObjectChunks(const std::filesystem::path& file, const ObjectTypeMapping& type,
               ChunkOptions options);

  // The next chunk, valid until the next call; nullopt when every row has been sent (a file
  // without rows gives no chunk). Throws qi::FatalError naming the file and line of a row that
  // is not our CSV or a value that is not UTF-8.
  std::optional<std::string_view> next();

  std::uint64_t objects() const { return objects_; }  // objects in the chunks given so far
  std::uint64_t next_sequence() const { return sequence_; }
  // Bytes held for the chunk and the line being read: what bounds this class's memory.
  std::size_t buffer_capacity() const { return chunk_.capacity() + rows_.buffer_capacity(); }

 private:
  // One key of every object: a locator and how its value is made.
  struct Field {
    std::string locator;
    const AttributeMapping* attribute;  // the first attribute with this locator
    std::vector<std::size_t> columns;   // indexes in the row
  };

  void read_header();
  void write_object(JsonOutput& out);
  bool split_row(std::string_view row);       // into cells_; false when it is not our CSV
  bool in_scope() const;                      // the current row
  std::string_view cell(std::size_t column);  // unescaped, in scratch storage

  const ObjectTypeMapping& type_;
  ChunkOptions options_;
  CsvRowReader rows_;
  std::vector<Field> fields_;
  std::size_t header_columns_ = 0;
  std::size_t scope_column_ = 0;         // index of options_.scope->column
  std::vector<std::string_view> cells_;  // of the current row, as written
  std::vector<std::string> unescaped_;   // per column, reused
  std::string value_;                    // a joined value, reused
  std::string chunk_;
  std::uint64_t objects_ = 0;
  std::uint64_t sequence_;
};

// The request that ends an execution's data: {"data":{},"clientGeneratedId":"<run>-<seq>",
// "completed":true}.
std::string completion_chunk(std::string_view run_id, std::uint64_t sequence);

// How many objects the file makes (its rows), read in constant memory, so that a push over
// insight.cloud.max_objects is refused before anything is sent. Throws qi::FatalError.
std::uint64_t count_objects(const std::filesystem::path& file);

}  // namespace qi::insight
