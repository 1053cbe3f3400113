// Typed, strict reading of a YAML tree into config values. Every problem is appended to one list
// (so `check` can print them all) as a ConfigError naming the file, the full key path
// ("jobs.kb.window_size") and the reason with the YAML line. A null value ("key:" or "~") keeps
// the default. Values are echoed in messages only for types that cannot hold a secret.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "config/config.hpp"

namespace qi::config {

class YamlReader {
 public:
  using Handler = std::function<void(const YAML::Node& value, const std::string& path)>;
  using Fields = std::vector<std::pair<std::string_view, Handler>>;

  // base_dir resolves relative paths (the config file's directory).
  YamlReader(std::string file, std::filesystem::path base_dir, std::vector<ConfigError>& errors);

  // Calls the handler of each key of a mapping; unknown and duplicate keys are errors.
  void map(const YAML::Node& node, const std::string& path, const Fields& fields);

  // Each returns true when it stored a value (false for null or on error).
  bool string(const YAML::Node& node, const std::string& path, std::string& out);
  bool boolean(const YAML::Node& node, const std::string& path, bool& out);
  // A list of strings (`[a, b]` or one `- a` per line); an element that is not a string is an
  // error naming its index (path[2]).
  bool string_list(const YAML::Node& node, const std::string& path, std::vector<std::string>& out);
  bool integer(const YAML::Node& node, const std::string& path, std::int64_t& out, std::int64_t min,
               std::int64_t max, std::string_view range_note = {});
  // At most `max` (each key's documented maximum: every duration must fit a steady_clock
  // deadline, whose nanoseconds overflow after 292 years). allow_zero: "0s" is accepted (e.g.
  // jitter: none); otherwise a duration must be positive.
  bool duration(const YAML::Node& node, const std::string& path, Duration& out, Duration max,
                bool allow_zero = false);
  bool path(const YAML::Node& node, const std::string& path, std::filesystem::path& out);
  // A finite fraction from 0 to 1, written as 0.5 or 50%.
  bool fraction(const YAML::Node& node, const std::string& path, double& out);

  // Narrowing helper for int fields of config.hpp.
  template <typename Int>
  void integer_field(const YAML::Node& node, const std::string& path, Int& out, std::int64_t min,
                     std::int64_t max, std::string_view range_note = {}) {
    std::int64_t value = 0;
    if (integer(node, path, value, min, max, range_note)) out = static_cast<Int>(value);
  }

  void error(const YAML::Node& node, const std::string& path, std::string reason);
  void error(const std::string& path, std::string reason);

  static std::string join(const std::string& path, std::string_view key);

 private:
  bool scalar(const YAML::Node& node, const std::string& path, std::string_view expected);

  std::string file_;
  std::filesystem::path base_dir_;
  std::vector<ConfigError>& errors_;
};

}  // namespace qi::config
