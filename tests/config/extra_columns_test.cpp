// output.extra_columns and jobs.vm.statuses (config/extra_columns_section.hpp, job_fields.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "common/error.hpp"
#include "config/config_loader.hpp"
#include "support/temp_dir.hpp"

namespace qi::config {
namespace {

class ExtraColumnsTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& yaml) {
    auto path = dir_.path() / "config.yaml";
    std::ofstream(path, std::ios::binary) << yaml;
    return path;
  }

  Config load(const std::string& yaml) { return load_config(write(yaml)); }

  // Expects exactly one problem, at `key`, whose reason contains `words`.
  void expect_one_problem(const std::string& yaml, const std::string& key,
                          const std::string& words) {
    SCOPED_TRACE(yaml);
    auto found = check_config(write(yaml));
    ASSERT_EQ(found.size(), 1u) << (found.empty() ? "" : found[0].what());
    EXPECT_EQ(found[0].key(), key) << found[0].what();
    EXPECT_NE(found[0].reason().find(words), std::string::npos) << found[0].what();
  }

  qi::testing::TempDir dir_;
};

TEST_F(ExtraColumnsTest, NoneAreChosenByDefault) {
  EXPECT_TRUE(load("").output.extra_columns.empty());
  EXPECT_TRUE(load("output: { extra_columns: {} }").output.extra_columns.empty());
}

TEST_F(ExtraColumnsTest, KeepsTheOrderGiven) {
  const auto config = load(R"(output:
  extra_columns:
    vm: ["Ports", "Status", "First Found"]
)");
  EXPECT_EQ(config.output.extra_columns.vm,
            (std::vector<Column>{Column::vm_ports, Column::vm_status, Column::vm_first_found}));
  EXPECT_TRUE(config.output.extra_columns.assets.empty());
}

TEST_F(ExtraColumnsTest, AcceptsEveryCatalogColumn) {
  std::string yaml = "output:\n  extra_columns:\n";
  for (CsvFile file : {CsvFile::assets, CsvFile::vulnkb, CsvFile::cve, CsvFile::vm}) {
    yaml += "    " + std::string(file_key(file)) + ": [";
    for (const auto& entry : kColumnCatalog) {
      if (entry.file == file) yaml += "\"" + std::string(entry.name) + "\", ";
    }
    yaml += "]\n";
  }
  const auto chosen = load(yaml).output.extra_columns;
  std::size_t count = 0;
  for (CsvFile file : {CsvFile::assets, CsvFile::vulnkb, CsvFile::cve, CsvFile::vm}) {
    count += chosen.of(file).size();
  }
  EXPECT_EQ(count, std::size(kColumnCatalog));
}

// kb_vendor_references is the last Column: every value up to it has one catalog row, and the
// kind an importer types its attribute by agrees with what the column's cells hold.
TEST(ColumnCatalog, GivesEveryColumnOneRow) {
  const auto last = static_cast<int>(Column::kb_vendor_references);
  for (int i = 0; i <= last; ++i) {
    const auto column = static_cast<Column>(i);
    EXPECT_EQ(catalog_entry(column).column, column) << i;
    EXPECT_EQ(std::count_if(std::begin(kColumnCatalog), std::end(kColumnCatalog),
                            [&](const CatalogColumn& entry) { return entry.column == column; }),
              1)
        << catalog_entry(column).name;
  }
  EXPECT_EQ(std::size(kColumnCatalog), static_cast<std::size_t>(last + 1));
  EXPECT_EQ(catalog_entry(Column::vm_ports).kind, ValueKind::multi_text);
  EXPECT_EQ(catalog_entry(Column::vm_first_found).kind, ValueKind::date_time);
  EXPECT_EQ(catalog_entry(Column::kb_cvss_v3_base).kind, ValueKind::decimal);
  EXPECT_EQ(catalog_entry(Column::asset_host_id).kind, ValueKind::integer);
}

TEST_F(ExtraColumnsTest, AssetsTakeTheHostId) {
  EXPECT_EQ(
      load("output: { extra_columns: { assets: [\"Host ID\"] } }").output.extra_columns.assets,
      std::vector<Column>{Column::asset_host_id});
  expect_one_problem("output: { extra_columns: { assets: [Colour] } }",
                     "output.extra_columns.assets[0]", "Host ID");
}

TEST_F(ExtraColumnsTest, AnUnknownNameListsTheValidOnes) {
  expect_one_problem("output: { extra_columns: { vm: [Status, Colour] } }",
                     "output.extra_columns.vm[1]", "Status, Type, Severity");
  expect_one_problem("output: { extra_columns: { cve: [Status] } }", "output.extra_columns.cve[0]",
                     "none yet");
}

TEST_F(ExtraColumnsTest, NamesAreCaseSensitiveAsInsightHeaders) {
  expect_one_problem("output: { extra_columns: { vm: [status] } }", "output.extra_columns.vm[0]",
                     "unknown column");
}

TEST_F(ExtraColumnsTest, AColumnTwiceIsAProblem) {
  expect_one_problem("output: { extra_columns: { vm: [Ports, Ports] } }",
                     "output.extra_columns.vm[1]", "twice");
}

TEST_F(ExtraColumnsTest, AnUnknownFileIsAProblem) {
  expect_one_problem("output: { extra_columns: { hosts: [Ports] } }", "output.extra_columns.hosts",
                     "unknown key");
}

TEST_F(ExtraColumnsTest, AListIsRequired) {
  expect_one_problem("output: { extra_columns: { vm: Ports } }", "output.extra_columns.vm",
                     "expected a list");
}

TEST_F(ExtraColumnsTest, SelectionTextNamesEveryChosenColumnPerFile) {
  ExtraColumns columns;
  EXPECT_EQ(selection_text(columns), "");
  columns.vm = {Column::vm_status, Column::vm_ports};
  EXPECT_EQ(selection_text(columns), "vm: Status|Ports\n");
}

TEST_F(ExtraColumnsTest, StatusesDefaultToTheOpenOnes) {
  EXPECT_EQ(load("").jobs.vm.status, "New,Active,Re-Opened");
}

TEST_F(ExtraColumnsTest, StatusesTakeAList) {
  EXPECT_EQ(load("jobs: { vm: { statuses: [New, Active, Re-Opened, Fixed] } }").jobs.vm.status,
            "New,Active,Re-Opened,Fixed");
}

TEST_F(ExtraColumnsTest, StatusesRefuseUnknownEmptyAndBothSpellings) {
  expect_one_problem("jobs: { vm: { statuses: [New, Closed] } }", "jobs.vm.statuses",
                     "New, Active, Re-Opened, Fixed");
  expect_one_problem("jobs: { vm: { statuses: [] } }", "jobs.vm.statuses", "at least one");
  expect_one_problem("jobs: { vm: { statuses: [\"New,Fixed\"] } }", "jobs.vm.statuses",
                     "one status per");
  expect_one_problem("jobs: { vm: { status: New, statuses: [New] } }", "jobs.vm.statuses",
                     "not both");
}

}  // namespace
}  // namespace qi::config
