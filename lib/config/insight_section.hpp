// Reading the optional `insight:` section of config.yaml into InsightConfig. As strict as the
// rest of the file: unknown keys, wrong types and values out of range are errors naming the key
// path, and so is a key that the chosen mode does not use. Absent, or with mode off, the section
// changes nothing (the values given are still checked, so a typo shows before it is switched on).
//
// What the YAML cannot tell (the cron expression, ca_file's content, the token and credentials
// files) is checked where those are understood: insight/insight_check.hpp, run by `check`.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "config/insight_config.hpp"
#include "config/yaml_reader.hpp"

namespace qi::config {

void read_insight(YamlReader& reader, const YAML::Node& node, const std::string& path,
                  InsightConfig& insight);

}  // namespace qi::config
