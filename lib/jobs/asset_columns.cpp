#include "jobs/asset_columns.hpp"

namespace qi::jobs {

std::string asset_value(config::Column column, const qualys::Asset& asset) {
  switch (column) {
    case config::Column::asset_host_id:
      return asset.host_id ? std::to_string(*asset.host_id) : std::string();
    default:
      return {};
  }
}

}  // namespace qi::jobs
