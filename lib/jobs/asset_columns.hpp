// The assets.csv extra columns (config/column_catalog.hpp): each column's text for one asset.
#pragma once

#include <string>

#include "config/column_catalog.hpp"
#include "qualys/records.hpp"

namespace qi::jobs {

// The value of the assets.csv column `column` for `asset`.
std::string asset_value(config::Column column, const qualys::Asset& asset);

}  // namespace qi::jobs
