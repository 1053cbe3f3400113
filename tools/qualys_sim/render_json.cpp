// CSAM v2 JSON: the envelope of csam_page_has_more.json with the
// traps of docs/qualys-api.md §4.2: nulls for whole objects, ISO dates with milliseconds next to
// epoch-ms numbers, int64 ids above 2^53, a negative 64-bit software id, and bulky parts that a
// client asking for includeFields gets as null.
#include <functional>

#include "qualys_sim/render.hpp"
#include "qualys_sim/sim_util.hpp"

namespace qi::sim {

FieldSelection parse_include_fields(std::string_view text) {
  std::set<std::string, std::less<>> names;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view name = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    name = name.substr(0, name.find('.'));  // "operatingSystem.fullName" selects operatingSystem
    if (!name.empty()) names.emplace(name);
  }
  return names;
}

namespace {

void str(std::string& out, std::string_view value) {
  out += '"';
  append_json_escaped(out, value);
  out += '"';
}

void opt_str(std::string& out, const std::optional<std::string>& value) {
  if (value) {
    str(out, *value);
  } else {
    out += "null";
  }
}

void named(std::string& out, const SimNamed& n, bool os) {
  if (!n.present) {
    out += "null";
    return;
  }
  out += "{";
  if (os) {
    out += "\"osName\":";
    str(out, n.full_name);
    out += ',';
  }
  out += "\"fullName\":";
  str(out, n.full_name);
  out += ",\"category\":";
  str(out, n.category1 + " / " + n.category2);
  out += ",\"category1\":";
  str(out, n.category1);
  out += ",\"category2\":";
  str(out, n.category2);
  out +=
      ",\"lifecycle\":{\"gaDate\":\"2022-04-21T00:00:00.000Z\",\"eolDate\":null,\"stage\":\"GA\","
      "\"lifeCycleConfidence\":\"Exact\"},\"productUrl\":null}";
}

void tag_list(std::string& out, const SimAsset& a) {
  switch (a.tag_list) {
    case SimTagList::absent:  // not rendered at all (append_asset_json)
    case SimTagList::null:
      out += "null";
      return;
    case SimTagList::empty_object:
      out += "{}";
      return;
    case SimTagList::empty_list:
      out += "{\"tag\":[]}";
      return;
    case SimTagList::listed:
      break;
  }
  out += "{\"tag\":[";
  for (std::size_t k = 0; k < a.tags.size(); ++k) {
    out += k ? "," : "";
    out +=
        "{\"tagId\":" + std::to_string(25184898 + static_cast<std::int64_t>(k)) + ",\"tagName\":";
    str(out, a.tags[k]);
    out += ",\"foregroundColor\":0,\"criticalityScore\":null}";
  }
  out += "]}";
}

// lastCheckedIn as Qualys sends it (epoch ms, csam_page_has_more.json), or as an ISO string.
std::string checked_in(const SimAsset& a) {
  const std::int64_t ms = *a.checked_in_ms;
  if (!a.checked_in_as_iso) return std::to_string(ms);
  std::string iso = iso_utc(ms / 1000, false);  // "...:SSZ"
  iso.pop_back();
  const auto fraction = std::to_string(1000 + ms % 1000).substr(1);
  return "\"" + iso + "." + fraction + "Z\"";
}

// cloudProvider: {"<provider>": {"<service>": {..., "instanceId": ...}}} (the shape
// docs/qualys-api.md §4.3 infers), with the nesting a client must skip.
void cloud_provider(std::string& out, const SimAsset& a) {
  if (a.cloud.empty()) {
    out += "null";
    return;
  }
  const bool azure = a.cloud == "azure";
  const bool gcp = a.cloud == "gcp";
  out += "{\"" + a.cloud + "\":{\"" + (azure ? "vm" : gcp ? "compute" : "ec2") + "\":{";
  out += azure ? "\"location\":\"westeurope\",\"vmId\":" : "\"instanceId\":";
  if (a.instance_id.empty()) {
    out += "null";
  } else if (gcp) {
    out += a.instance_id;
  } else {
    str(out, a.instance_id);
  }
  out += ",\"tags\":{\"Name\":{\"value\":\"web\",\"instanceId\":\"not-this\"}}}}}";
}

}  // namespace

void append_asset_json(std::string& out, const SimAsset& a, const FieldSelection& fields) {
  bool first = true;
  auto field = [&](std::string_view name, const std::function<void()>& value) {
    out += first ? "{" : ",";
    first = false;
    out += '"';
    out += name;
    out += "\":";
    if (name == "assetId" || !fields || fields->contains(name)) {
      value();
    } else {
      out += "null";  // not in includeFields: present, null (docs/qualys-api.md §4.1)
    }
  };
  const std::string epoch = std::to_string(a.epoch_ms);
  field("assetId", [&] { out += std::to_string(a.asset_id); });
  field("assetUUID", [&] { opt_str(out, a.asset_uuid); });
  field("hostId", [&] { out += a.host_id ? std::to_string(*a.host_id) : "null"; });
  field("lastModifiedDate", [&] { str(out, a.last_modified_date); });
  field("agentId", [&] { opt_str(out, a.asset_uuid); });
  field("createdDate", [&] { str(out, a.created_date); });
  field("sensorLastUpdatedDate", [&] { str(out, a.last_modified_date); });
  field("assetType", [&] { out += "\"HOST\""; });
  field("address", [&] { opt_str(out, a.address); });
  field("dnsName", [&] { opt_str(out, a.netbios_name); });
  field("assetName", [&] { str(out, a.asset_name); });
  field("netbiosName", [&] { opt_str(out, a.netbios_name); });
  field("timeZone", [&] { out += "\"+05:30\""; });
  field("biosDescription", [&] { out += "\"Phoenix \\\"BIOS\\\" 6.00\""; });
  field("lastBoot", [&] { str(out, a.created_date); });
  field("totalMemory", [&] { out += "3875"; });
  field("cpuCount", [&] { out += "4"; });
  field("lastLoggedOnUser", [&] { opt_str(out, a.last_logged_on_user); });
  field("domainRole", [&] { out += "null"; });
  field("hwUUID", [&] { opt_str(out, a.asset_uuid); });
  field("biosSerialNumber", [&] { opt_str(out, a.bios_serial_number); });
  field("biosAssetTag", [&] { opt_str(out, a.bios_asset_tag); });
  field("isContainerHost", [&] { out += "false"; });
  field("operatingSystem", [&] { named(out, a.operating_system, true); });
  field("hardware", [&] { named(out, a.hardware, false); });
  field("networkInterfaceListData", [&] {
    out +=
        "{\"networkInterface\":[{\"hostname\":\"ub-43-156-0\",\"addressIpV4\":\"10.0.0.1,10.0.0."
        "2\","
        "\"addressIpV6\":\"::ffff:432b:9c00\",\"macAddress\":\"00:50:56:81:41:84\","
        "\"macVendorIntroDate\":946944000000}]}";
  });
  field("softwareListData", [&] {
    out += "{\"software\":[";
    for (int k = 0; k < 8; ++k) {  // bulk a client should exclude with includeFields
      if (k) out += ',';
      out += "{\"id\":" + std::to_string(a.software_id - k) +
             ",\"fullName\":\"libblockdev-swap2:amd64 2.26-1ubuntu0." + std::to_string(k) +
             "\",\"category\":\"Unknown / Unknown\",\"installDate\":\"2025-07-07T11:58:14.000Z\","
             "\"lastUpdated\":" +
             epoch + ",\"isPackage\":false}";
    }
    out += "]}";
  });
  field("provider", [&] { opt_str(out, a.provider); });
  field("cloudProvider", [&] { cloud_provider(out, a); });
  field("agent", [&] {
    if (!a.checked_in_ms) {
      out += "null";
      return;
    }
    out += "{\"version\":\"7.2.0.38\",\"lastActivity\":" + epoch +
           ",\"lastCheckedIn\":" + checked_in(a) +
           ",\"lastInventory\":null,\"activations\":[{\"key\":\"cb825267\",\"status\":"
           "\"ACTIVE\"}]}";
  });
  field("sensor", [&] {
    out += "{\"activatedForModules\":[\"VM\",\"PC\"],\"lastVMScan\":" + epoch +
           ",\"firstEasmScanDate\":null}";
  });
  field("inventory", [&] {
    out += "{\"source\":\"QAGENT\",\"created\":" + epoch + ",\"lastUpdated\":" + epoch + "}";
  });
  if (a.tag_list != SimTagList::absent) field("tagList", [&] { tag_list(out, a); });
  out += '}';
}

std::string search_envelope_head(std::int64_t count, std::int64_t last_seen_asset_id, int has_more,
                                 std::string_view response_code,
                                 std::string_view response_message) {
  std::string out = "{\"responseMessage\":\"";
  append_json_escaped(out, response_message);
  out += "\",\"count\":" + std::to_string(count) + ",\"responseCode\":\"";
  append_json_escaped(out, response_code);
  out += "\",\"lastSeenAssetId\":" + std::to_string(last_seen_asset_id) +
         ",\"hasMore\":" + std::to_string(has_more) + ",\"assetListData\":{\"asset\":[";
  return out;
}

std::string search_envelope_tail() {
  return "]}}";
}

std::string count_body(std::int64_t count) {
  return "{\"count\":" + std::to_string(count) +
         ",\"responseCode\":\"SUCCESS\",\"responseMessage\":\"Valid API Access\"}";
}

}  // namespace qi::sim
