// The `jobs:` section of config.yaml: the schedule keys every job shares and each job's own keys.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "config/yaml_reader.hpp"

namespace qi::config {

void read_jobs(YamlReader& reader, const YAML::Node& node, const std::string& path,
               JobsConfig& jobs);

// Value checks shared with tests: nullopt when fine, else the reason.
// "/api/5.0"-style version prefix.
std::optional<std::string> api_version_problem(std::string_view value);
// Comma-separated subset of New,Active,Re-Opened,Fixed; on success `normalized` holds it without
// blanks around the commas.
std::optional<std::string> status_problem(std::string_view value, std::string& normalized);
// "3-5", "4", "1,3-5": severities 1 to 5.
std::optional<std::string> severities_problem(std::string_view value);

}  // namespace qi::config
