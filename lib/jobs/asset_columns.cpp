#include "jobs/asset_columns.hpp"

#include "jobs/multi_value.hpp"
#include "qualys/iso_time.hpp"

namespace qi::jobs {

using config::Column;

namespace {

// Appends ",name" to an includeFields tail that does not hold it yet.
void ask(std::string& fields, std::string_view name) {
  const std::string item = "," + std::string(name);
  if ((fields + ",").find(item + ",") == std::string::npos) fields += item;
}

}  // namespace

std::string asset_fields(const std::vector<Column>& columns) {
  std::string fields;
  for (Column column : columns) {
    switch (column) {
      case Column::asset_dns_name:
        ask(fields, "dnsName");
        break;
      case Column::asset_agent_id:
        ask(fields, "agentId");
        break;
      case Column::asset_tags:
        ask(fields, "tagList");
        break;
      case Column::asset_last_check_in:
        ask(fields, "agent");
        break;
      case Column::asset_cloud_provider:
        ask(fields, "provider");
        ask(fields, "cloudProvider");
        break;
      case Column::asset_instance_id:
        ask(fields, "cloudProvider");
        break;
      default:
        break;
    }
  }
  return fields;  // hostId is among the assets.csv fields already (asset-host-ids.csv)
}

qualys::AssetFields asset_record_fields(const std::vector<Column>& columns) {
  qualys::AssetFields f;
  for (Column column : columns) {
    f.tags = f.tags || column == Column::asset_tags;
    f.last_check_in = f.last_check_in || column == Column::asset_last_check_in;
    f.cloud =
        f.cloud || column == Column::asset_cloud_provider || column == Column::asset_instance_id;
  }
  return f;
}

std::string asset_value(Column column, const qualys::Asset& asset) {
  switch (column) {
    case Column::asset_host_id:
      return asset.host_id ? std::to_string(*asset.host_id) : std::string();
    case Column::asset_dns_name:
      return asset.dns_name;
    case Column::asset_agent_id:
      return asset.agent_id;
    case Column::asset_tags:
      return joined(asset.tags, true);
    case Column::asset_last_check_in:
      return asset.last_check_in ? qualys::iso_from_seconds(*asset.last_check_in) : std::string();
    case Column::asset_cloud_provider:
      return asset.cloud_provider;
    case Column::asset_instance_id:
      return asset.instance_id;
    default:
      return {};
  }
}

}  // namespace qi::jobs
