#include "state/insight_record.hpp"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "output/atomic_file.hpp"
#include "output/json_fields.hpp"
#include "state/json_record_file.hpp"

namespace qi::state {

namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;
using output::json_number_member;
using output::json_string_member;
using output::write_json_string;

void write_count(Writer& w, const char* key, const std::optional<std::int64_t>& value) {
  if (!value) return;
  w.Key(key);
  w.Int64(*value);
}

std::optional<std::int64_t> count_member(const rapidjson::Value& object, const char* key) {
  const auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
  return it->value.GetInt64();
}

void write_import(Writer& w, const char* key, const std::optional<ImportRecord>& record) {
  if (!record) return;
  w.Key(key);
  w.StartObject();
  write_json_string(w, "set_id", record->set_id);
  write_json_string(w, "target", record->target);
  write_json_string(w, "run_id", record->run_id);
  write_json_string(w, "result", std::string(run_result_name(record->result)));
  write_json_string(w, "error", record->error);
  if (record->finished) write_json_string(w, "finished", format_time(*record->finished));
  w.Key("files");
  w.StartArray();
  for (const auto& file : record->files) {
    w.StartObject();
    write_json_string(w, "name", file.name);
    write_json_string(w, "sha256", file.sha256);
    w.Key("rows");
    w.Uint64(file.rows);
    w.Key("bytes");
    w.Uint64(file.bytes);
    w.EndObject();
  }
  w.EndArray();
  w.Key("counts");
  w.StartArray();
  for (const auto& count : record->counts) {
    w.StartObject();
    write_json_string(w, "what", count.what);
    write_json_string(w, "status", count.status);
    write_json_string(w, "result", count.result);
    write_json_string(w, "message", count.message);
    write_count(w, "created", count.created);
    write_count(w, "updated", count.updated);
    write_count(w, "failed", count.failed);
    w.EndObject();
  }
  w.EndArray();
  write_json_string(w, "summary", record->summary);
  w.EndObject();
}

std::optional<ImportRecord> read_import(const rapidjson::Value& doc, const char* key) {
  const auto it = doc.FindMember(key);
  if (it == doc.MemberEnd() || !it->value.IsObject()) return std::nullopt;
  const auto& value = it->value;
  ImportRecord record;
  record.set_id = json_string_member(value, "set_id");
  record.target = json_string_member(value, "target");
  record.run_id = json_string_member(value, "run_id");
  record.result = run_result_from_name(json_string_member(value, "result"));
  record.error = json_string_member(value, "error");
  record.finished = parse_time(json_string_member(value, "finished"));
  record.summary = json_string_member(value, "summary");
  if (const auto files = value.FindMember("files");
      files != value.MemberEnd() && files->value.IsArray()) {
    for (const auto& f : files->value.GetArray()) {
      if (!f.IsObject()) continue;
      record.files.push_back({json_string_member(f, "name"), json_string_member(f, "sha256"),
                              json_number_member(f, "rows"), json_number_member(f, "bytes")});
    }
  }
  if (const auto counts = value.FindMember("counts");
      counts != value.MemberEnd() && counts->value.IsArray()) {
    for (const auto& c : counts->value.GetArray()) {
      if (!c.IsObject()) continue;
      record.counts.push_back({json_string_member(c, "what"), json_string_member(c, "status"),
                               json_string_member(c, "result"), json_string_member(c, "message"),
                               count_member(c, "created"), count_member(c, "updated"),
                               count_member(c, "failed")});
    }
  }
  return record;
}

std::string describe_import(const ImportRecord& record) {
  std::ostringstream out;
  out << run_result_name(record.result) << " (run " << record.run_id << ")";
  if (record.finished) out << " at " << format_time(*record.finished);
  out << ": set " << record.set_id.substr(0, 12) << " of " << record.files.size() << " files to "
      << record.target << "\n";
  if (!record.summary.empty()) out << "    " << record.summary << "\n";
  if (!record.error.empty()) out << "    error: " << record.error << "\n";
  return out.str();
}

}  // namespace

InsightRecord read_insight_record(const std::filesystem::path& file) {
  InsightRecord record;
  auto parsed = read_json_record(file, "insight import record");
  if (!parsed) return record;
  const rapidjson::Document& doc = *parsed;
  record.last_attempt = read_import(doc, "last_attempt");
  record.last_success = read_import(doc, "last_success");
  return record;
}

void write_insight_record(const std::filesystem::path& file, const InsightRecord& record) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  write_import(w, "last_attempt", record.last_attempt);
  write_import(w, "last_success", record.last_success);
  w.EndObject();
  std::string text(buffer.GetString(), buffer.GetSize());
  text += '\n';
  output::replace_file_atomically(file, text, output::kPrivateFileMode);
}

std::string describe_insight_record(const InsightRecord& record) {
  if (!record.last_attempt) return "  no import yet\n";
  std::string text = "  last import: " + describe_import(*record.last_attempt);
  if (record.last_success && record.last_success->run_id != record.last_attempt->run_id) {
    text += "  last successful import: " + describe_import(*record.last_success);
  }
  return text;
}

}  // namespace qi::state
