// The JSON shapes that manifest.json, state.json and `status --json` share, written and read in
// one place: a published file's figures ({"name", "rows", "bytes"}), a manifest entry's figures and
// the reference checks
// ({"<check>": {"count", "first": [...]}}). Templates over the RapidJSON writer, because the
// files are pretty-printed and `status --json` is compact.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <map>
#include <string>

#include "output/manifest.hpp"

namespace qi::output {

// A string or unsigned member of `object`; empty or 0 when it is missing or of another type.
std::string json_string_member(const rapidjson::Value& object, const char* key);
std::uint64_t json_number_member(const rapidjson::Value& object, const char* key);

template <class Writer>
void write_json_string(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

template <class Writer>
void write_file_figures(Writer& w, const PublishedFile& file) {
  w.StartObject();
  write_json_string(w, "name", file.name);
  w.Key("rows");
  w.Uint64(file.rows);
  w.Key("bytes");
  w.Uint64(file.bytes);
  w.EndObject();
}

PublishedFile read_file_figures(const rapidjson::Value& object);

// The members of a manifest entry that `status --json` shows too (all but the file's identity).
template <class Writer>
void write_manifest_entry_fields(Writer& w, const ManifestFile& file) {
  w.Key("rows");
  w.Uint64(file.rows);
  w.Key("bytes");
  w.Uint64(file.bytes);
  write_json_string(w, "sha256", file.sha256);
  write_json_string(w, "job", file.job);
  write_json_string(w, "run_id", file.run_id);
  write_json_string(w, "published_at", file.published_at);
}

// Writes the key "references" and the checks under it.
template <class Writer>
void write_reference_checks(Writer& w, const std::map<std::string, ReferenceCheck>& checks) {
  w.Key("references");
  w.StartObject();
  for (const auto& [name, check] : checks) {
    w.Key(name.c_str());
    w.StartObject();
    w.Key("count");
    w.Uint64(check.count);
    w.Key("first");
    w.StartArray();
    for (const auto& id : check.first) w.String(id.c_str());
    w.EndArray();
    w.EndObject();
  }
  w.EndObject();
}

// The checks under `object`'s "references"; none when it has none.
std::map<std::string, ReferenceCheck> read_reference_checks(const rapidjson::Value& object);

}  // namespace qi::output
