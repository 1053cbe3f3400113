#include "insight/object_chunks.hpp"

#include <charconv>
#include <cmath>

#include "common/error.hpp"
#include "insight/json_output.hpp"
#include "output/csv_lines.hpp"

namespace qi::insight {
namespace {

constexpr std::string_view kMultiValueSeparator = "||";
constexpr std::string_view kJoin = "-";  // between the columns of one value (Host ID-QID)

// The field as its writer meant it: doubled quotes undoubled and, in files written with
// output.double_backslashes, doubled backslashes too.
std::string_view unescape(std::string_view field, bool double_backslashes, std::string& out) {
  const bool quotes = field.find('"') != std::string_view::npos;
  const bool backslashes = double_backslashes && field.find('\\') != std::string_view::npos;
  if (!quotes && !backslashes) return field;
  out.clear();
  for (std::size_t i = 0; i < field.size(); ++i) {
    out += field[i];
    const bool doubled = i + 1 < field.size() && field[i + 1] == field[i];
    if (doubled && (field[i] == '"' || (backslashes && field[i] == '\\'))) ++i;
  }
  return out;
}

std::optional<double> to_decimal(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// A cell that is not of its attribute's type goes as the text it is: Assets then fails that one
// object and says why (the run reports it per object type), the push goes on.
void write_scalar(JsonOutput& out, AttributeType type, std::string_view value) {
  if (type == AttributeType::integer) {
    if (auto number = output::to_int(value)) return out.integer(*number);
  } else if (type == AttributeType::decimal) {
    if (auto number = to_decimal(value)) return out.real(*number);
  } else if (type == AttributeType::boolean && (value == "1" || value == "0")) {
    return out.boolean(value == "1");
  }
  out.string(value);
}

}  // namespace

ObjectChunks::ObjectChunks(const std::filesystem::path& file, const ObjectTypeMapping& type,
                           ChunkOptions options)
    : type_(type),
      options_(std::move(options)),
      rows_(file, kMaxRowBytes),
      sequence_(options_.first_sequence) {
  if (options_.objects_per_chunk == 0) throw FatalError("objects_per_chunk must be at least 1");
  read_header();
}

void ObjectChunks::read_header() {
  const auto header = rows_.next_line();
  if (!header) throw FatalError(rows_.file().string() + " is empty: no header line");
  std::vector<std::string> names;
  std::string_view rest = *header;
  while (auto name = output::next_field(rest)) names.emplace_back(*name);
  header_columns_ = names.size();
  cells_.resize(header_columns_);
  unescaped_.resize(header_columns_);

  auto index_of = [&](const std::string& column) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == column) return i;
    }
    throw FatalError(rows_.file().string() + " has no column \"" + column + "\", which the " +
                     type_.name +
                     " mapping reads (a column added to output.extra_columns is in the file once "
                     "its job has published it again)");
  };
  for (const auto& attribute : type_.attributes) {
    bool known = false;
    for (const auto& field : fields_) known = known || field.locator == attribute.locator;
    if (known) continue;
    Field field{attribute.locator, &attribute, {}};
    for (const auto& column : attribute.columns) field.columns.push_back(index_of(column));
    if (attribute.source == ValueSource::host_id_of_asset && options_.host_ids == nullptr) {
      throw FatalError("the " + type_.name + " mapping needs the host IDs of the assets");
    }
    fields_.push_back(std::move(field));
  }
  if (options_.scope != nullptr) scope_column_ = index_of(std::string(options_.scope->column));
}

bool ObjectChunks::split_row(std::string_view row) {
  for (std::size_t i = 0; i < header_columns_; ++i) {
    auto field = output::next_field(row);
    if (!field) return false;
    cells_[i] = *field;
  }
  return row.empty();
}

bool ObjectChunks::in_scope() const {
  return options_.scope == nullptr ||
         options_.scope->qids->contains(parse_qid(cells_[scope_column_]));
}

std::string_view ObjectChunks::cell(std::size_t column) {
  return unescape(cells_[column], options_.double_backslashes, unescaped_[column]);
}

void ObjectChunks::write_object(JsonOutput& out) {
  out.start_object();
  for (const Field& field : fields_) {
    const AttributeMapping& attribute = *field.attribute;
    std::string_view value;
    if (attribute.source == ValueSource::host_id_of_asset) {
      value = options_.host_ids->host_id(cell(field.columns.front())).value_or("");
    } else if (field.columns.size() == 1) {
      value = cell(field.columns.front());
    } else {
      value_.clear();
      for (std::size_t column : field.columns) {
        if (!value_.empty()) value_ += kJoin;
        value_ += cell(column);
      }
      value = value_;
    }
    const bool text = attribute.type == AttributeType::text;
    if (value.empty() && !(text && !attribute.multi_valued)) continue;
    out.key(field.locator);
    if (!attribute.multi_valued) {
      write_scalar(out, attribute.type, value);
      continue;
    }
    out.start_array();
    while (!value.empty()) {
      const auto end = value.find(kMultiValueSeparator);
      const auto one = value.substr(0, end);
      if (!one.empty()) write_scalar(out, attribute.type, one);
      value.remove_prefix(end == std::string_view::npos ? value.size()
                                                        : end + kMultiValueSeparator.size());
    }
    out.end_array();
  }
  out.end_object();
}

std::optional<std::string_view> ObjectChunks::next() {
  std::size_t in_chunk = 0;
  chunk_.clear();  // keeps its capacity: the buffer grows to one chunk and stays there
  JsonOutput out(chunk_);
  while (in_chunk < options_.objects_per_chunk) {
    const auto row = rows_.next_line();
    if (!row) break;
    if (!split_row(*row)) {
      throw FatalError(rows_.file().string() + ": line " + std::to_string(rows_.line_number()) +
                       " is not a row of " + std::to_string(header_columns_) + " quoted fields");
    }
    try {
      if (!in_scope()) continue;
      if (in_chunk == 0) {
        out.start_object();
        out.key("data");
        out.start_object();
        out.key(type_.selector);
        out.start_array();
      }
      write_object(out);
    } catch (const FatalError& error) {
      throw FatalError(rows_.file().string() + ": line " + std::to_string(rows_.line_number()) +
                       ": " + error.what());
    }
    ++in_chunk;
  }
  if (in_chunk == 0) return std::nullopt;
  out.end_array();
  out.end_object();
  out.member("clientGeneratedId", options_.run_id + "-" + std::to_string(sequence_++));
  out.flag("completed", false);
  out.end_object();
  objects_ += in_chunk;
  return chunk_;
}

std::string completion_chunk(std::string_view run_id, std::uint64_t sequence) {
  std::string text;
  JsonOutput out(text);
  out.start_object();
  out.key("data");
  out.start_object();
  out.end_object();
  out.member("clientGeneratedId", std::string(run_id) + "-" + std::to_string(sequence));
  out.flag("completed", true);
  out.end_object();
  return text;
}

std::uint64_t count_objects(const std::filesystem::path& file) {
  CsvRowReader rows(file, kMaxRowBytes);
  std::uint64_t lines = 0;
  while (rows.next_line()) ++lines;
  return lines == 0 ? 0 : lines - 1;  // the header is no object
}

}  // namespace qi::insight
