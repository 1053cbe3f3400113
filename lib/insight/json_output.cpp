#include "insight/json_output.hpp"

#include <limits>

#include "common/error.hpp"

namespace qi::insight {

namespace {

rapidjson::SizeType json_size(std::string_view text) {
  if (text.size() > std::numeric_limits<rapidjson::SizeType>::max()) {
    throw FatalError("a JSON string of " + std::to_string(text.size()) + " bytes is too long");
  }
  return static_cast<rapidjson::SizeType>(text.size());
}

}  // namespace

void JsonOutput::key(std::string_view name) {
  if (!writer_.Key(name.data(), json_size(name))) {
    throw FatalError("a JSON key is not valid UTF-8");
  }
}

void JsonOutput::string(std::string_view value) {
  if (!writer_.String(value.data(), json_size(value))) {
    throw FatalError("a value is not valid UTF-8, so it cannot be sent as JSON");
  }
}

}  // namespace qi::insight
