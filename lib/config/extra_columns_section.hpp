// output.extra_columns: which catalog columns (column_catalog.hpp) each file gets.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "config/column_catalog.hpp"
#include "config/yaml_reader.hpp"

namespace qi::config {

// A mapping of file keys (assets, vulnkb, cve, vm) to lists of column names. An unknown name, or
// one given twice, is an error listing the file's valid names.
void read_extra_columns(YamlReader& reader, const YAML::Node& node, const std::string& path,
                        ExtraColumns& columns);

}  // namespace qi::config
