#include "state/json_record_file.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include "common/error.hpp"

namespace qi::state {

std::optional<rapidjson::Document> read_json_record(const std::filesystem::path& file,
                                                    std::string_view what) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(file)) return std::nullopt;
    throw FatalError("cannot read " + file.string());
  }
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document doc;
  doc.Parse(text.str().c_str());
  if (doc.HasParseError() || !doc.IsObject()) {
    throw FatalError(file.string() + " is not a valid " + std::string(what) + " (JSON)");
  }
  return doc;
}

}  // namespace qi::state
