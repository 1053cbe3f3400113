// The assets.csv extra columns (config/column_catalog.hpp): which CSAM fields the search must ask
// for, which the parser must collect, and each column's text for one asset.
#pragma once

#include <string>
#include <vector>

#include "config/column_catalog.hpp"
#include "qualys/records.hpp"

namespace qi::jobs {

// The CSAM fields `columns` need besides the assets.csv ones, as an includeFields tail
// (",dnsName,agentId"), each field once; empty for none.
std::string asset_fields(const std::vector<config::Column>& columns);

// What CsamPageParser must collect for `columns` (none for none).
qualys::AssetFields asset_record_fields(const std::vector<config::Column>& columns);

// The value of the assets.csv column `column` for `asset`.
std::string asset_value(config::Column column, const qualys::Asset& asset);

}  // namespace qi::jobs
