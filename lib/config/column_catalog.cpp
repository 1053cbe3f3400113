#include "config/column_catalog.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace qi::config {

const std::vector<Column>& ExtraColumns::of(CsvFile file) const {
  switch (file) {
    case CsvFile::assets:
      return assets;
    case CsvFile::vulnkb:
      return vulnkb;
    case CsvFile::cve:
      return cve;
    case CsvFile::vm:
      break;
  }
  return vm;
}

std::vector<Column>& ExtraColumns::of(CsvFile file) {
  return const_cast<std::vector<Column>&>(std::as_const(*this).of(file));
}

bool ExtraColumns::has(CsvFile file, Column column) const {
  const auto& chosen = of(file);
  return std::find(chosen.begin(), chosen.end(), column) != chosen.end();
}

std::string_view file_key(CsvFile file) {
  switch (file) {
    case CsvFile::assets:
      return "assets";
    case CsvFile::vulnkb:
      return "vulnkb";
    case CsvFile::cve:
      return "cve";
    case CsvFile::vm:
      break;
  }
  return "vm";
}

const CatalogColumn& catalog_entry(Column column) {
  for (const auto& entry : kColumnCatalog) {
    if (entry.column == column) return entry;
  }
  throw std::logic_error("a column missing from kColumnCatalog");
}

std::string_view column_name(Column column) {
  return catalog_entry(column).name;
}

std::optional<Column> find_column(CsvFile file, std::string_view name) {
  for (const auto& entry : kColumnCatalog) {
    if (entry.file == file && entry.name == name) return entry.column;
  }
  return std::nullopt;
}

std::string column_names(CsvFile file) {
  std::string names;
  for (const auto& entry : kColumnCatalog) {
    if (entry.file != file) continue;
    if (!names.empty()) names += ", ";
    names += entry.name;
  }
  return names.empty() ? "none yet" : names;
}

std::string selection_text(const ExtraColumns& columns) {
  std::string text;
  for (CsvFile file : {CsvFile::assets, CsvFile::vulnkb, CsvFile::cve, CsvFile::vm}) {
    const auto& chosen = columns.of(file);
    if (chosen.empty()) continue;
    text.append(file_key(file)).append(":");
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      text.append(i == 0 ? " " : "|").append(column_name(chosen[i]));
    }
    text += '\n';
  }
  return text;
}

}  // namespace qi::config
