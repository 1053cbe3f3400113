// Deterministic record generators of generation 0. Every value comes from a splitmix64 hash of
// (seed, record kind, index, salt), never from state, so page N can be produced without pages
// 0..N-1. What the generation steps change is in data_churn.cpp.
#include <algorithm>
#include <array>
#include <cstdio>

#include "qualys_sim/data_base.hpp"
#include "qualys_sim/data_spec.hpp"

namespace qi::sim {

using namespace detail;

namespace {

std::string uuid_from(std::uint64_t a, std::uint64_t b) {
  char out[40];
  std::snprintf(out, sizeof out, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return out;
}

// Asset ids: most near the ELA mock's 67 million, the last tenth above 2^53 (JSON numbers a
// double cannot hold exactly, docs/qualys-api.md §4.2).
std::int64_t small_asset_count(const DataSpec& spec) {
  if (spec.assets < 2) return spec.assets;
  std::int64_t big = spec.assets / 10;
  return spec.assets - (big < 1 ? 1 : big);
}

// Tag names with what a CSV and the || join must survive: commas, quotes, non-ASCII.
constexpr std::array<std::string_view, 6> kTagNames = {
    "Cloud Agent", "Zürich, \"DMZ\"", "PCI; scope", "日本-Tokyo", "Linux Servers", "Tier 1"};

// The extra columns' fields (tagList, agent, provider, cloudProvider), each shape of real
// payloads for a share of assets (docs/simulator.md).
void add_extra_fields(const DataSpec& spec, std::int64_t i, std::int64_t modified, SimAsset& a) {
  const std::uint64_t h = hash_of(spec, kAsset, i, 4);
  a.tag_list = static_cast<SimTagList>(std::min<std::uint64_t>(h % 7, 4));
  if (a.tag_list == SimTagList::listed) {
    const auto count = 1 + (h >> 4) % 4;
    for (std::uint64_t k = 0; k < count; ++k) a.tags.emplace_back(pick(kTagNames, (h >> 8) + k));
    if ((h >> 12) % 3 == 0) a.tags.push_back(a.tags.front());  // a duplicate
    if ((h >> 12) % 5 == 1) a.tags.emplace_back();             // "tagName": ""
  }
  if ((h >> 16) % 5 != 0) {
    a.checked_in_ms = modified * 1000 + static_cast<std::int64_t>((h >> 20) % 1000);
    a.checked_in_as_iso = (h >> 30) % 3 == 0;
  }
  switch ((h >> 34) % 8) {
    case 4:
      a.cloud = "aws";
      a.instance_id = "i-0" + std::to_string(h % 1000000007) + "cdfd";
      break;
    case 5:
      a.cloud = "azure";
      a.instance_id = uuid_from(h, hash_of(spec, kAsset, i, 5));
      break;
    case 6:
      a.cloud = "gcp";
      a.provider = "Google Cloud";                        // provider, when sent, names the cloud
      a.instance_id = std::to_string(1000000000000 + i);  // a JSON number
      break;
    case 7:
      a.cloud = "aws";  // instanceId null
      a.provider = "";
      break;
    default:
      break;  // provider and cloudProvider null, as for most on-premises assets
  }
}

}  // namespace

std::int64_t asset_id_at(const DataSpec& spec, std::int64_t index) {
  const std::int64_t small = small_asset_count(spec);
  const auto jitter = static_cast<std::int64_t>(hash_of(spec, kAsset, index, 1) % 10);
  if (index < small) return 67000000 + 10 * index + jitter;
  return (std::int64_t{1} << 53) + 1 + 10 * (index - small) + jitter;
}

std::int64_t qid_at(const DataSpec& spec, std::int64_t index) {
  return 10000 + 7 * index + static_cast<std::int64_t>(hash_of(spec, kVuln, index, 1) % 7);
}

std::int64_t host_id_at(const DataSpec& spec, std::int64_t j) {
  // Runs of consecutive ids broken every 3rd and 7th host, so the host list's ID_SET has both
  // ID_RANGE and single ID elements (host_list_id_set.xml).
  const auto base = 100000 + static_cast<std::int64_t>(mix64(spec.seed, kBase, 0, 0) % 900000);
  return base + j + 3 * (j / 3) + 2 * (j / 7);
}

namespace detail {

// Generation-0 dates of an asset: created, then last modified.
std::pair<std::int64_t, std::int64_t> base_asset_dates(const DataSpec& spec, std::int64_t i) {
  const std::uint64_t h = hash_of(spec, kAsset, i);
  const std::int64_t created = kEpoch2025 + static_cast<std::int64_t>((h >> 24) % (100 * 86400));
  return {created, created + static_cast<std::int64_t>((h >> 32) % (100 * 86400))};
}

SimAsset base_asset_at(const DataSpec& spec, std::int64_t i) {
  const std::uint64_t h = hash_of(spec, kAsset, i);
  SimAsset a;
  a.asset_id = asset_id_at(spec, i);
  if (spec.hosts > 0 && h % 9 != 0) {
    // Mostly a detection host; every 13th a VM host with no detection record.
    a.host_id = (h % 13 == 0) ? 3000000000 + i : host_id_at(spec, i % spec.hosts);
  }
  if (h % 11 != 3)
    a.asset_uuid = uuid_from(hash_of(spec, kAsset, i, 2), hash_of(spec, kAsset, i, 3));
  switch (h % 7) {
    case 0:
      break;  // null address
    case 1:
      a.address = "2001:db8::" + std::to_string(i % 65536);
      break;
    default:
      a.address = "10." + std::to_string((i >> 16) & 255) + "." + std::to_string((i >> 8) & 255) +
                  "." + std::to_string(i & 255);
  }
  a.asset_name = std::string(pick(kAssetNames, h >> 8)) + "-" + std::to_string(i);
  if (h % 5 != 0) a.netbios_name = "NB" + std::to_string(i);
  if (h % 6 != 0) a.last_logged_on_user = std::string(pick(kUsers, h >> 12));
  if (h % 4 == 0) {
    a.bios_serial_number = "VMware-42 01 a6 e3 7d 2b 78 d4-3d a7 d4 5e 57 6c 7d 76";
  } else if (h % 4 != 1) {
    a.bios_serial_number = "SN" + std::to_string(h % 1000000);
  }
  if (h % 3 == 0) a.bios_asset_tag = (h % 2) ? "No Asset Tag" : "tag,\"7\"";
  if (h % 8 != 0) {
    const auto k = (h >> 16) % kOsNames.size();
    a.operating_system = {true, std::string(kOsNames[k]), std::string(kOsCat1[k]),
                          std::string(kOsCat2[k])};
  }
  if (h % 10 != 0) {
    const auto k = (h >> 20) % kHwNames.size();
    a.hardware = {true, std::string(kHwNames[k]), std::string(kHwCat1[k]), std::string(kHwCat2[k])};
  }
  const auto [created, modified] = base_asset_dates(spec, i);
  a.created_date = iso_utc(created, true);
  a.last_modified_date = iso_utc(modified, true);
  a.epoch_ms = modified * 1000;
  a.software_id = (h % 2) ? -458390650433303040 - i : 1234567890123 + i;
  add_extra_fields(spec, i, modified, a);
  return a;
}

VulnTraits vuln_traits_at(const DataSpec& spec, std::int64_t i) {
  const std::uint64_t h = hash_of(spec, kVuln, i);
  return {qid_at(spec, i), static_cast<int>((h >> 8) % 5) + 1, h % 6 == 0};
}

std::int64_t base_vuln_published(const DataSpec& spec, std::int64_t i) {
  const std::uint64_t h = hash_of(spec, kVuln, i);
  return 1262304000 + static_cast<std::int64_t>((h >> 20) % (3000LL * 86400));
}

std::int64_t base_vuln_modified(const DataSpec& spec, std::int64_t i) {
  const std::uint64_t h = hash_of(spec, kVuln, i);
  return base_vuln_published(spec, i) + static_cast<std::int64_t>((h >> 28) % (900LL * 86400));
}

SimCve cve_of(std::string id) {
  std::string url = "http://cve.mitre.org/cgi-bin/cvename.cgi?name=" + id;
  return {std::move(id), std::move(url)};
}

SimVuln base_vuln_at(const DataSpec& spec, std::int64_t i) {
  const std::uint64_t h = hash_of(spec, kVuln, i);
  const VulnTraits traits = vuln_traits_at(spec, i);
  SimVuln v;
  v.qid = traits.qid;
  v.information_gathered = traits.information_gathered;
  v.vuln_type =
      v.information_gathered ? "Information Gathered" : std::string(pick(kVulnTypes, h >> 4));
  v.severity = traits.severity;
  v.title = std::string(pick(kTitles, h >> 12)) + " #" + std::to_string(v.qid);
  v.category = std::string(pick(kCategories, h >> 16));
  v.published = iso_utc(base_vuln_published(spec, i), false);
  v.last_modified = iso_utc(base_vuln_modified(spec, i), false);
  v.patchable = (h >> 40) % 2;
  // The risk fields of the vulnkb.csv extra columns, with what real KBs vary: QIDs without
  // CVSS v3 or vendor references, a threat flag listed twice.
  const std::uint64_t r = hash_of(spec, kVuln, i, 99);
  v.cvss_v2_base = std::to_string(1 + r % 9) + "." + std::to_string((r >> 4) % 10);
  if (r % 4 != 0) {
    v.cvss_v3_base = std::to_string(1 + (r >> 8) % 9) + "." + std::to_string((r >> 12) % 10);
    v.cvss_v3_vector = (r >> 16) % 2 ? "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
                                     : "CVSS:3.0/AV:L/AC:H/PR:L/UI:R/S:C/C:L/I:N/A:N";
  }
  static constexpr std::array<std::string_view, 5> kThreats{
      "Exploit_Public", "Active_Attacks", "Malware", "Ransomware", "Easy_Exploit"};
  for (std::uint64_t k = 0; k < (r >> 20) % 4; ++k) {
    v.threat_intel.emplace_back(kThreats[(r >> (24 + 3 * k)) % kThreats.size()]);
  }
  if (v.threat_intel.size() == 2) v.threat_intel.push_back(v.threat_intel.front());
  for (std::uint64_t k = 0; k < (r >> 40) % 3; ++k) {
    v.vendor_refs.push_back("Vendor Advisory " + std::to_string(v.qid) +
                            (k ? "-" + std::to_string(k) : ""));
  }
  const auto cve_count = (h >> 44) % 4;  // 0: no CVE_LIST (docs/qualys-api.md §5.2)
  for (std::uint64_t k = 0; k < cve_count; ++k) {
    const std::string id = "CVE-" + std::to_string(2015 + (h >> (48 + k)) % 10) + "-" +
                           std::to_string(10000 + (hash_of(spec, kVuln, i, 10 + k) % 90000));
    v.cves.push_back(cve_of(id));
  }
  // Two quirks of real KBs, about one QID with CVEs in eight each: a CVE listed twice, and an
  // empty ID (`<CVE><ID><![CDATA[]]></ID></CVE>` in an evaluation subscription's KB). Neither
  // gives a cve.csv row (expected_csv.cpp).
  if (!v.cves.empty() && (h >> 60) % 8 == 0) v.cves.push_back(v.cves.front());
  if (!v.cves.empty() && (h >> 57) % 8 == 0) v.cves.insert(v.cves.begin(), cve_of(""));
  return v;
}

std::int64_t base_last_scan(const DataSpec& spec, std::int64_t j) {
  return kEpoch2025 + static_cast<std::int64_t>((hash_of(spec, kHost, j) >> 16) % (200 * 86400));
}

SimHost base_host_at(const DataSpec& spec, std::int64_t j) {
  const std::uint64_t h = hash_of(spec, kHost, j);
  SimHost host;
  host.host_id = host_id_at(spec, j);
  host.ip = "10." + std::to_string(100 + ((j >> 16) & 127)) + "." + std::to_string((j >> 8) & 255) +
            "." + std::to_string(j & 255);
  if (h % 3 == 0) {
    host.tracking_method = "Cloud Agent";
    host.qg_hostid = uuid_from(hash_of(spec, kHost, j, 1), hash_of(spec, kHost, j, 2));
  } else {
    host.tracking_method = (h % 3 == 1) ? "IP" : "DNS";
  }
  host.os = std::string(pick(kHostOs, h >> 8));
  // Some hosts have no DNS name (empty CDATA) or no NetBIOS name (no element), as on real pages.
  if (j % 7 != 3) host.dns = "host-" + std::to_string(j) + ".corp.example";
  if (j % 7 != 4) host.netbios = "HOST-" + std::to_string(j);
  host.last_scan = iso_utc(base_last_scan(spec, j), false);
  return host;
}

std::vector<SimDetection> base_detections_at(const DataSpec& spec, std::int64_t j) {
  std::vector<SimDetection> out;
  const std::uint64_t h = hash_of(spec, kHost, j);
  if (h % 6 == 5 || spec.detections_per_host <= 0) return out;  // host without detections
  out.reserve(static_cast<std::size_t>(spec.detections_per_host));
  std::optional<VulnTraits> previous;
  for (std::int64_t k = 0; k < spec.detections_per_host; ++k) {
    const std::uint64_t hk = hash_of(spec, kDetection, j, static_cast<std::uint64_t>(k));
    SimDetection d;
    std::optional<VulnTraits> vuln;
    if (k > 0 && hk % 5 == 0) {
      d.qid = out.back().qid;  // same QID on a second port: the client must dedupe
      vuln = previous;
    } else if (spec.qids <= 0 || hk % 17 == 0) {
      d.qid = 2000000000 + static_cast<std::int64_t>(hk % 1000);  // QID missing from the KB
    } else {
      const auto index =
          static_cast<std::int64_t>((hk >> 8) % static_cast<std::uint64_t>(spec.qids));
      vuln = vuln_traits_at(spec, index);
      d.qid = vuln->qid;
    }
    previous = vuln;
    const bool ig = vuln && vuln->information_gathered;
    d.type = ig ? "Info" : ((hk >> 16) % 3 == 0 ? "Potential" : "Confirmed");
    d.severity = vuln ? vuln->severity : static_cast<int>((hk >> 20) % 5) + 1;
    d.port = ig && (hk >> 24) % 2 == 0 ? 0 : kPorts[(hk >> 24) % kPorts.size()];
    if (!out.empty() && out.back().qid == d.qid && out.back().port == d.port) {
      d.port = out.back().port + 1;
    }
    d.protocol = ((hk >> 28) % 4 == 0) ? "udp" : "tcp";
    d.status = std::string(pick(kStatuses, hk >> 32));
    d.ignored = (hk >> 36) % 29 == 0;
    d.disabled = (hk >> 40) % 31 == 0;
    d.results = std::string(pick(kResults, hk >> 44));
    const std::int64_t first = kEpoch2025 + static_cast<std::int64_t>((hk >> 12) % (100 * 86400));
    d.first_found = iso_utc(first, false);
    const std::int64_t last = first + static_cast<std::int64_t>((hk >> 30) % (90 * 86400));
    d.last_found = iso_utc(last, false);
    if (d.status == "Fixed" || d.status == "Re-Opened")
      d.last_fixed = iso_utc((first + last) / 2, false);
    d.times_found = 1 + static_cast<int>((hk >> 48) % 200);
    d.qds = ig ? 0 : 1 + static_cast<int>((hk >> 52) % 100);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace detail

namespace {

template <typename IdAt>
std::int64_t lower_bound_index(std::int64_t count, std::int64_t target, IdAt id_at) {
  std::int64_t lo = 0;
  std::int64_t hi = count;
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (id_at(mid) < target) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

}  // namespace

std::int64_t first_asset_after(const DataSpec& spec, std::int64_t last_seen_asset_id) {
  const std::int64_t slots = asset_slots(spec);
  if (last_seen_asset_id == INT64_MAX) return slots;
  return lower_bound_index(slots, last_seen_asset_id + 1,
                           [&](std::int64_t i) { return asset_id_at(spec, i); });
}

std::int64_t first_qid_index_at_least(const DataSpec& spec, std::int64_t qid) {
  return lower_bound_index(qid_slots(spec), qid, [&](std::int64_t i) { return qid_at(spec, i); });
}

std::int64_t first_host_index_at_least(const DataSpec& spec, std::int64_t host_id) {
  return lower_bound_index(host_slots(spec), host_id,
                           [&](std::int64_t i) { return host_id_at(spec, i); });
}

}  // namespace qi::sim
