// Reading one of state.dir's JSON records (state.json, insight-import.json): the file whole, as a
// JSON object. The records are small (a few kilobytes), written by us atomically.
#pragma once

#include <rapidjson/document.h>

#include <filesystem>
#include <optional>
#include <string_view>

namespace qi::state {

// The record as a parsed JSON object; nullopt when the file does not exist (nothing recorded
// yet). Throws qi::FatalError when it cannot be read or is not a JSON object, naming the file and
// `what` ("state file", "insight import record").
std::optional<rapidjson::Document> read_json_record(const std::filesystem::path& file,
                                                    std::string_view what);

}  // namespace qi::state
