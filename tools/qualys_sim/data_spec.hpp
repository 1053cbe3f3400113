// The simulator's dataset: a pure function of (seed, index) for every record, so any page of a
// million-record subscription is generated on the fly in O(1) memory, and the expected-CSV oracle
// (expected_csv.hpp) sees exactly the records the endpoints serve.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qi::sim {

// Sizes and seed of one simulated subscription. All endpoints serve the same data.
struct DataSpec {
  std::uint64_t seed = 1;
  std::int64_t assets = 10;
  std::int64_t qids = 20;
  std::int64_t hosts = 10;
  std::int64_t detections_per_host = 3;
  // The mutation history: one UTC time "YYYY-MM-DDTHH:MM:SSZ" per step, strictly increasing.
  // The dataset's generation is its size; empty is generation 0, the original dataset. Step k
  // changes, removes and adds records (docs/simulator.md "Generations"); what it touched carries
  // generation_times[k-1] as its last-modified / processed / last-updated time.
  std::vector<std::string> generation_times;
  // Churn of every step, per mille of the generation-0 count of each record type; at least one
  // record of each kind per step once a type has 10 records (QIDs are never removed).
  int changed_permille = 30;
  int removed_permille = 10;
  int added_permille = 20;
};

// ---- generations (generations.cpp) ----

int generation_of(const DataSpec& spec);
// Appends one step at epoch_seconds, or one second after the last step when that is not later;
// returns the new generation.
int append_generation(DataSpec& spec, std::int64_t epoch_seconds);
// Appends `count` steps at fixed past times, one a day from 2025-08-01T06:00:00Z: after every
// generation-0 date, before any wall-clock time the tests run at (qualys-sim --generations N).
void append_past_generations(DataSpec& spec, int count);
// Throws std::invalid_argument when a generation time is malformed or not after the previous one.
void check_generations(const DataSpec& spec);

// Records live in slots: indices 0..count-1 of generation 0, then each step's additions (ids
// keep ascending with the index). A removed asset or host keeps its slot but no longer exists.
std::int64_t asset_slots(const DataSpec& spec);
std::int64_t qid_slots(const DataSpec& spec);  // QIDs are never removed: every slot exists
std::int64_t host_slots(const DataSpec& spec);
bool asset_exists(const DataSpec& spec, std::int64_t index);
bool host_exists(const DataSpec& spec, std::int64_t index);
std::int64_t asset_count(const DataSpec& spec);  // existing assets (what the CSAM count says)
std::int64_t host_count(const DataSpec& spec);   // existing hosts
// The step that last added or changed a record (0: as in generation 0).
int asset_generation(const DataSpec& spec, std::int64_t index);
int vuln_generation(const DataSpec& spec, std::int64_t index);
int host_generation(const DataSpec& spec, std::int64_t index);
// The times the incremental filters compare, in seconds since the epoch, without building the
// record: CSAM lastModifiedDate (assetLastUpdated), LAST_SERVICE_MODIFICATION_DATETIME
// (last_modified_after), the host's last processing = LAST_VM_SCANNED_DATE (vm_processed_after).
std::int64_t asset_updated_at(const DataSpec& spec, std::int64_t index);
std::int64_t vuln_modified_at(const DataSpec& spec, std::int64_t index);
std::int64_t host_processed_at(const DataSpec& spec, std::int64_t index);

// Nested CSAM objects; `present == false` renders as JSON null (operatingSystem/hardware can be
// null, docs/qualys-api.md §4.3).
struct SimNamed {
  bool present = false;
  std::string full_name;
  std::string category1;
  std::string category2;
};

// How an asset's tagList arrives (docs/qualys-api.md §4.3): every shape means "no tag" but the
// last.
enum class SimTagList : std::uint8_t { absent, null, empty_object, empty_list, listed };

// One CSAM asset (the fields assets.csv needs plus what the bulky parts are derived from).
struct SimAsset {
  std::int64_t asset_id = 0;  // some above 2^53 (docs/qualys-api.md §4.2)
  std::optional<std::int64_t> host_id;
  std::optional<std::string> asset_uuid;
  std::optional<std::string> address;
  std::string asset_name;
  std::optional<std::string> netbios_name;
  std::optional<std::string> last_logged_on_user;
  std::optional<std::string> bios_serial_number;
  std::optional<std::string> bios_asset_tag;
  SimNamed operating_system;
  SimNamed hardware;
  std::string last_modified_date;  // ISO-8601 with milliseconds
  std::string created_date;
  std::int64_t epoch_ms = 0;     // nested epoch-millisecond numbers (agent, inventory)
  std::int64_t software_id = 0;  // negative signed 64-bit for some assets
  // The extra columns' fields (render_json.cpp).
  SimTagList tag_list = SimTagList::null;
  std::vector<std::string> tags;              // tagName in document order; may repeat, may be ""
  std::optional<std::int64_t> checked_in_ms;  // agent.lastCheckedIn; nullopt: "agent": null
  bool checked_in_as_iso = false;             // sent as an ISO string, not an epoch-ms number
  std::optional<std::string> provider;        // "provider"
  std::string cloud;                          // the cloudProvider key; empty: cloudProvider null
  std::string instance_id;                    // empty: null
};

struct SimCve {
  std::string id;
  std::string url;
};

// One KnowledgeBase VULN.
struct SimVuln {
  std::int64_t qid = 0;
  std::string vuln_type;
  int severity = 1;
  std::string title;          // CDATA content (HTML, literal &quot;, hostile text)
  std::string category;       // element text (escaped on output)
  std::string last_modified;  // YYYY-MM-DDTHH:MM:SSZ
  std::string published;
  bool patchable = false;
  std::string cvss_v2_base;  // "4.3"
  std::string cvss_v3_base;  // empty: no CVSS_V3 element (older QIDs)
  std::string cvss_v3_vector;
  std::vector<std::string> threat_intel;  // THREAT_INTEL texts, may repeat one
  std::vector<std::string> vendor_refs;   // VENDOR_REFERENCE IDs; empty: no list
  std::vector<SimCve> cves;               // empty: no CVE_LIST element
  bool information_gathered = false;
};

struct SimDetection {
  std::int64_t qid = 0;
  std::string type;  // Confirmed | Potential | Info
  int severity = 1;
  int port = 0;
  std::string protocol;
  std::string status;  // New | Active | Re-Opened | Fixed
  bool ignored = false;
  bool disabled = false;
  std::string results;  // multi-line
  std::string first_found;
  std::string last_found;
  std::string last_fixed;  // empty (and no element) when never fixed
  int times_found = 1;
  int qds = 0;  // 1-100; 0: none (information gathered), no QDS element
};

// One VM host (host list and host detection).
struct SimHost {
  std::int64_t host_id = 0;
  std::string ip;
  std::string tracking_method;
  std::optional<std::string> qg_hostid;  // only agent-tracked hosts (docs/qualys-api.md §6.1)
  std::string os;
  std::string dns;
  std::string netbios;
  std::string last_scan;
};

// Record generators: each a pure function of (spec, index), 0 <= index < slots (a removed
// asset or host is still generated, as it was before its removal). A record no step touched is
// the same as in generation 0, byte for byte.
std::int64_t asset_id_at(const DataSpec& spec, std::int64_t index);
SimAsset asset_at(const DataSpec& spec, std::int64_t index);
std::int64_t qid_at(const DataSpec& spec, std::int64_t index);
SimVuln vuln_at(const DataSpec& spec, std::int64_t index);
std::int64_t host_id_at(const DataSpec& spec, std::int64_t index);
SimHost host_at(const DataSpec& spec, std::int64_t index);
// Every detection of host `index` in document order (unfiltered; may be empty, may repeat a QID
// on a second port).
std::vector<SimDetection> detections_at(const DataSpec& spec, std::int64_t index);

// Index lookups for the cursors over every slot (ids are strictly increasing in the index).
std::int64_t first_asset_after(const DataSpec& spec, std::int64_t last_seen_asset_id);
std::int64_t first_qid_index_at_least(const DataSpec& spec, std::int64_t qid);
std::int64_t first_host_index_at_least(const DataSpec& spec, std::int64_t host_id);

}  // namespace qi::sim
