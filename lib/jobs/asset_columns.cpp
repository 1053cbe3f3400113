#include "jobs/asset_columns.hpp"

namespace qi::jobs {

using config::Column;

std::string asset_fields(const std::vector<Column>& columns) {
  std::string fields;
  for (Column column : columns) {
    if (column == Column::asset_dns_name) fields += ",dnsName";
    if (column == Column::asset_agent_id) fields += ",agentId";
  }
  return fields;  // hostId is among the assets.csv fields already (asset-host-ids.csv)
}

std::string asset_value(Column column, const qualys::Asset& asset) {
  switch (column) {
    case Column::asset_host_id:
      return asset.host_id ? std::to_string(*asset.host_id) : std::string();
    case Column::asset_dns_name:
      return asset.dns_name;
    case Column::asset_agent_id:
      return asset.agent_id;
    default:
      return {};
  }
}

}  // namespace qi::jobs
