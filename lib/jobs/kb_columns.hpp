// The vulnkb.csv extra columns (config/column_catalog.hpp): which KB fields the parser must
// collect for them and each column's text.
#pragma once

#include <string>
#include <vector>

#include "config/column_catalog.hpp"
#include "qualys/records.hpp"

namespace qi::jobs {

// What KbParser must collect for `columns` (none for none).
qualys::KbFields kb_fields(const std::vector<config::Column>& columns);

// The value of the vulnkb.csv column `column` for `vuln`.
std::string kb_value(config::Column column, const qualys::KbVuln& vuln);

}  // namespace qi::jobs
