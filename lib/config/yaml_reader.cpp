#include "config/yaml_reader.hpp"

#include <charconv>
#include <cmath>
#include <set>
#include <stdexcept>
#include <utility>

#include "config/duration.hpp"

namespace qi::config {
namespace {

std::string location(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return {};
  return " (line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1) +
         ")";
}

// Echo at most a short prefix of a value: enough to recognise, never a whole line.
std::string echo_value(std::string_view value) {
  std::string out = "\"";
  out += value.substr(0, 40);
  if (value.size() > 40) out += "...";
  out += "\"";
  return out;
}

}  // namespace

YamlReader::YamlReader(std::string file, std::filesystem::path base_dir,
                       std::vector<ConfigError>& errors)
    : file_(std::move(file)), base_dir_(std::move(base_dir)), errors_(errors) {}

std::string YamlReader::join(const std::string& path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return path + "." + std::string(key);
}

void YamlReader::error(const YAML::Node& node, const std::string& path, std::string reason) {
  errors_.emplace_back(file_, path, std::move(reason) + location(node));
}

void YamlReader::error(const std::string& path, std::string reason) {
  errors_.emplace_back(file_, path, std::move(reason));
}

void YamlReader::map(const YAML::Node& node, const std::string& path, const Fields& fields) {
  if (node.IsNull()) return;
  if (!node.IsMap()) {
    error(
        node, path,
        path.empty() ? "the document must be a mapping of sections" : "expected a mapping of keys");
    return;
  }
  std::set<std::string> seen;
  for (const auto& entry : node) {
    if (!entry.first.IsScalar()) {
      error(entry.first, path, "a key must be a plain name");
      continue;
    }
    const std::string key = entry.first.Scalar();
    const std::string key_path = join(path, key);
    if (!seen.insert(key).second) {
      error(entry.first, key_path, "duplicate key");
      continue;
    }
    const Handler* handler = nullptr;
    for (const auto& [name, h] : fields) {
      if (name == key) handler = &h;
    }
    if (handler == nullptr) {
      std::string known;
      for (const auto& field : fields) {
        if (!known.empty()) known += ", ";
        known += field.first;
      }
      error(entry.first, key_path, "unknown key (known here: " + known + ")");
      continue;
    }
    (*handler)(entry.second, key_path);
  }
}

bool YamlReader::scalar(const YAML::Node& node, const std::string& path,
                        std::string_view expected) {
  if (node.IsNull()) return false;
  if (!node.IsScalar()) {
    error(node, path,
          "expected " + std::string(expected) + ", got a " + (node.IsMap() ? "mapping" : "list"));
    return false;
  }
  return true;
}

bool YamlReader::string(const YAML::Node& node, const std::string& path, std::string& out) {
  if (!scalar(node, path, "a string")) return false;
  out = node.Scalar();
  return true;
}

bool YamlReader::string_list(const YAML::Node& node, const std::string& path,
                             std::vector<std::string>& out) {
  if (node.IsNull()) return false;
  if (!node.IsSequence()) {
    error(node, path, "expected a list such as [\"a\", \"b\"]");
    return false;
  }
  std::vector<std::string> values;
  bool ok = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string element_path = path + "[" + std::to_string(i) + "]";
    std::string value;
    if (node[i].IsNull()) {
      error(node[i], element_path, "must not be empty");
      ok = false;
    } else if (string(node[i], element_path, value)) {
      values.push_back(std::move(value));
    } else {
      ok = false;
    }
  }
  if (ok) out = std::move(values);
  return ok;
}

bool YamlReader::boolean(const YAML::Node& node, const std::string& path, bool& out) {
  if (!scalar(node, path, "true or false")) return false;
  const std::string& text = node.Scalar();
  if (text == "true") {
    out = true;
  } else if (text == "false") {
    out = false;
  } else {
    error(node, path, "expected true or false, got " + echo_value(text));
    return false;
  }
  return true;
}

bool YamlReader::integer(const YAML::Node& node, const std::string& path, std::int64_t& out,
                         std::int64_t min, std::int64_t max, std::string_view range_note) {
  if (!scalar(node, path, "an integer")) return false;
  const std::string& text = node.Scalar();
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool whole = !text.empty() && end == text.data() + text.size();
  if (!whole || (ec != std::errc{} && ec != std::errc::result_out_of_range)) {
    error(node, path, "expected an integer, got " + echo_value(text));
    return false;
  }
  // Digits beyond what 64 bits hold are out of range too, not a different kind of error.
  if (ec == std::errc::result_out_of_range || value < min || value > max) {
    std::string reason = "must be from " + std::to_string(min) + " to " + std::to_string(max) +
                         ", got " + echo_value(text);
    if (!range_note.empty()) reason += " (" + std::string(range_note) + ")";
    error(node, path, std::move(reason));
    return false;
  }
  out = value;
  return true;
}

bool YamlReader::fraction(const YAML::Node& node, const std::string& path, double& out) {
  if (!scalar(node, path, "a fraction")) return false;
  std::string text = node.Scalar();
  double scale = 1.0;
  if (!text.empty() && text.back() == '%') {
    text.pop_back();
    scale = 100.0;
  }
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool whole = !text.empty() && end == text.data() + text.size();
  if (!whole || (ec != std::errc{} && ec != std::errc::result_out_of_range)) {
    error(node, path, "expected a fraction such as 0.5 or 50%, got " + echo_value(node.Scalar()));
    return false;
  }
  value /= scale;
  // from_chars reads "nan", "-nan" and "inf" too; a NaN passes every comparison below, so it
  // would turn the shrink guard off and make the asset count tolerance INT64_MIN.
  if (ec == std::errc::result_out_of_range || !std::isfinite(value) || value < 0.0 || value > 1.0) {
    error(node, path,
          "must be a number from 0 to 1 (0% to 100%), got " + echo_value(node.Scalar()));
    return false;
  }
  out = value;
  return true;
}

bool YamlReader::duration(const YAML::Node& node, const std::string& path, Duration& out,
                          Duration max, bool allow_zero) {
  if (!scalar(node, path, "a duration")) return false;
  try {
    Duration value = parse_duration(node.Scalar());
    if (value < Duration::zero() || (value == Duration::zero() && !allow_zero)) {
      error(node, path, "must be longer than zero");
      return false;
    }
    if (value > max) {
      error(node, path,
            "must be at most " + format_duration(max) + ", got " + echo_value(node.Scalar()));
      return false;
    }
    out = value;
    return true;
  } catch (const std::invalid_argument& e) {
    error(node, path, e.what());
    return false;
  }
}

bool YamlReader::path(const YAML::Node& node, const std::string& path, std::filesystem::path& out) {
  std::string text;
  if (!string(node, path, text)) return false;
  if (text.empty()) {
    out.clear();
    return true;
  }
  std::filesystem::path value(text);
  out = value.is_absolute() ? value : (base_dir_ / value).lexically_normal();
  return true;
}

}  // namespace qi::config
