// What the parsers emit and the jobs write: one record per CSV row source.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qi::qualys {

// What a KbParser collects beyond QID, title, category, severity and CVEs: only what the
// chosen vulnkb.csv extra columns need (none by default).
struct KbFields {
  bool vuln_type = false;
  bool published = false;
  bool last_modified = false;
  bool patchable = false;
  bool cvss_v2_base = false;
  bool cvss_v3_base = false;
  bool cvss_v3_vector = false;
  bool pci_flag = false;
  bool threat_intel = false;
  bool vendor_references = false;
};

// One KnowledgeBase VULN (details=Basic). Text is as the API sent it (CDATA content verbatim);
// the KbFields ones trimmed, dates as seconds since the epoch (-1: none).
struct KbVuln {
  std::int64_t qid = 0;
  std::string title;
  std::string category;
  std::string severity_level;
  std::vector<std::string> cves;  // every CVE_LIST/CVE/ID, in document order
  // Only when KbFields asks for them.
  std::string vuln_type;
  std::int64_t published = -1;
  std::int64_t last_modified = -1;
  std::string patchable;
  std::string cvss_v2_base;
  std::string cvss_v3_base;
  std::string cvss_v3_vector;
  std::string pci_flag;
  std::vector<std::string> threat_intel;       // THREAT_INTELLIGENCE/THREAT_INTEL, in order
  std::vector<std::string> vendor_references;  // VENDOR_REFERENCE_LIST/VENDOR_REFERENCE/ID
};

// What a DetectionParser collects beyond the host ID, QG_HOSTID and QIDs: only what the chosen
// vm.csv extra columns need (none by default, as for the legacy columns).
struct DetectionFields {
  bool details = false;  // the DETECTION fields of Detection below
  bool ip = false;
  bool dns = false;
  bool netbios = false;
  bool os = false;
};

// STATUS and TYPE, ordered so that the larger is the more urgent (combining takes the largest).
enum class DetectionStatus : std::uint8_t { none, fixed, active, new_, reopened };
enum class DetectionType : std::uint8_t { none, info, potential, confirmed };

// One DETECTION's fields, compact (a host can have hundreds of thousands): numbers and times
// as integers, kNone where the element was absent or empty.
struct Detection {
  static constexpr std::int64_t kNone = -1;
  std::int64_t qid = 0;
  std::int64_t first_found = kNone;  // seconds since the epoch
  std::int64_t last_found = kNone;
  std::int64_t last_fixed = kNone;
  std::int64_t times_found = kNone;
  std::int32_t port = -1;
  std::int16_t qds = -1;
  std::int8_t severity = -1;
  std::int8_t is_ignored = -1;
  std::int8_t is_disabled = -1;
  DetectionStatus status = DetectionStatus::none;
  DetectionType type = DetectionType::none;
};

// One host of a host-detection page with the QIDs of its detections (document order, may repeat
// when a QID is detected on several ports).
struct DetectionHost {
  std::int64_t host_id = 0;
  std::string qg_hostid;  // empty for IP-tracked hosts
  std::vector<std::int64_t> qids;
  // Only when DetectionFields asks for them: the host's fields, and each detection's in the
  // order of `qids` (one per entry).
  std::string ip;
  std::string dns;
  std::string netbios;
  std::string os;
  std::vector<Detection> details;
};

// What a CsamPageParser collects beyond the assets.csv fields (and dnsName, agentId): only what
// the chosen assets.csv extra columns need (none by default).
struct AssetFields {
  bool tags = false;           // tagList
  bool last_check_in = false;  // agent.lastCheckedIn
  bool cloud = false;          // provider, cloudProvider
};

// One CSAM asset, reduced to the assets.csv columns. Absent and null become empty strings.
struct Asset {
  std::int64_t asset_id = 0;
  std::optional<std::int64_t> host_id;  // VM host ID (join key with vm.csv), null when none
  std::string asset_uuid;
  std::string address;
  std::string asset_name;
  std::string netbios_name;
  std::string last_logged_on_user;
  std::string bios_serial_number;
  std::string bios_asset_tag;
  std::string os_full_name;
  std::string os_category1;
  std::string os_category2;
  std::string hw_full_name;
  std::string hw_category1;
  std::string hw_category2;
  std::string last_modified_date;  // ISO-8601 as sent; epoch-ms numbers are rendered as ISO
  std::string created_date;
  // For the extra columns; empty unless asked for (includeFields).
  std::string dns_name;
  std::string agent_id;
  // Only when AssetFields asks for them.
  std::vector<std::string> tags;              // every non-empty tagList.tag[].tagName, in order
  std::optional<std::int64_t> last_check_in;  // agent.lastCheckedIn, seconds since the epoch
  std::string cloud_provider;  // provider, else the key under cloudProvider upper-cased
  std::string instance_id;     // cloudProvider.<provider>.<service>.instanceId (Azure: vmId)
};

// A Qualys API v2 SIMPLE_RETURN (or GENERIC_RETURN) found where data was expected.
struct SimpleReturn {
  std::string code;  // e.g. "1965"; GENERIC_RETURN has none ("999" is used for it)
  std::string text;
  std::vector<std::pair<std::string, std::string>> items;  // ITEM_LIST KEY/VALUE
};

}  // namespace qi::qualys
