#include "config/extra_columns_section.hpp"

#include <algorithm>
#include <vector>

namespace qi::config {
namespace {

void read_file_columns(YamlReader& r, const YAML::Node& node, const std::string& path, CsvFile file,
                       std::vector<Column>& out) {
  std::vector<std::string> names;
  if (!r.string_list(node, path, names)) return;
  std::vector<Column> chosen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string element_path = path + "[" + std::to_string(i) + "]";
    const auto column = find_column(file, names[i]);
    if (!column) {
      r.error(node[i], element_path,
              "unknown column \"" + names[i].substr(0, 40) + "\" (valid for " +
                  std::string(file_key(file)) + ".csv: " + column_names(file) + ")");
      return;
    }
    if (std::find(chosen.begin(), chosen.end(), *column) != chosen.end()) {
      r.error(node[i], element_path, "column \"" + names[i] + "\" is given twice");
      return;
    }
    chosen.push_back(*column);
  }
  out = std::move(chosen);
}

}  // namespace

void read_extra_columns(YamlReader& r, const YAML::Node& node, const std::string& path,
                        ExtraColumns& columns) {
  YamlReader::Fields fields;
  for (CsvFile file : {CsvFile::assets, CsvFile::vulnkb, CsvFile::cve, CsvFile::vm}) {
    fields.emplace_back(file_key(file), [&r, &columns, file](auto& n, auto& p) {
      read_file_columns(r, n, p, file, columns.of(file));
    });
  }
  r.map(node, path, fields);
}

}  // namespace qi::config
