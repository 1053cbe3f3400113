// What the generation steps (DataSpec::generation_times, generations.hpp) do to each record:
// a record no step touched is the generation-0 record, byte for byte; a changed one is revised
// and carries the step's time; an added one is a generated record born at the step's time.
#include <algorithm>

#include "qualys_sim/data_base.hpp"
#include "qualys_sim/generations.hpp"

namespace qi::sim {

using namespace detail;

namespace {

// A rescan in step `step`: some open detections are not found any more (Fixed), some fixed ones
// come back (Re-Opened), the rest are seen again, and one or two detections of QIDs new to the
// host appear, QIDs that exist in the KB at that step (or in no KB, as in generation 0).
void rescan(const DataSpec& spec, std::int64_t j, int step, std::vector<SimDetection>& detections) {
  const std::string now = iso_utc(generation_epoch(spec, step), false);
  const auto salt = [&](std::uint64_t n) { return static_cast<std::uint64_t>(step) * 1000 + n; };
  for (std::size_t n = 0; n < detections.size(); ++n) {
    SimDetection& d = detections[n];
    const std::uint64_t h = hash_of(spec, kDetectionRevision, j, salt(n));
    if (d.status == "Fixed") {
      if (h % 3 == 0) {
        d.status = "Re-Opened";
        d.last_found = now;
      }
    } else if (h % 4 == 0) {
      d.status = "Fixed";
      d.last_fixed = now;
    } else {
      if (d.status == "New") d.status = "Active";
      d.last_found = now;
      ++d.times_found;
      if (h % 5 == 1) d.results = std::string(pick(kResults, h >> 8));
    }
  }
  const std::int64_t kb = slots_at(spec, RecordType::vuln, step);
  const auto added = 1 + hash_of(spec, kHostRevision, j, static_cast<std::uint64_t>(step)) % 2;
  for (std::uint64_t m = 0; m < added; ++m) {
    const std::uint64_t h = hash_of(spec, kDetectionRevision, j, salt(500 + m));
    SimDetection d;
    std::optional<VulnTraits> vuln;
    // A QID the host does not have yet (the rescan found something new).
    const auto known = [&](std::int64_t qid) {
      return std::any_of(detections.begin(), detections.end(),
                         [&](const SimDetection& o) { return o.qid == qid; });
    };
    if (kb <= 0 || h % 17 == 0) {
      d.qid = 2000000000 + static_cast<std::int64_t>(h % 1000);
      while (known(d.qid)) ++d.qid;
    } else {
      auto index = static_cast<std::int64_t>((h >> 8) % static_cast<std::uint64_t>(kb));
      for (std::int64_t tries = 1; tries < kb && known(qid_at(spec, index)); ++tries) {
        index = (index + 1) % kb;
      }
      vuln = vuln_traits_at(spec, index);
      d.qid = vuln->qid;
    }
    d.type = (vuln && vuln->information_gathered)
                 ? "Info"
                 : ((h >> 16) % 3 == 0 ? "Potential" : "Confirmed");
    d.severity = vuln ? vuln->severity : static_cast<int>((h >> 20) % 5) + 1;
    d.port = kPorts[(h >> 24) % kPorts.size()];
    d.protocol = "tcp";
    d.status = "New";
    d.results = std::string(pick(kResults, h >> 44));
    d.first_found = now;
    d.last_found = now;
    detections.push_back(std::move(d));
  }
}

}  // namespace

SimAsset asset_at(const DataSpec& spec, std::int64_t i) {
  SimAsset a = base_asset_at(spec, i);
  const RecordHistory history = record_history(spec, RecordType::asset, i);
  if (history.generation == 0) return a;
  const std::int64_t t = generation_epoch(spec, history.generation);
  if (history.born > 0) a.created_date = iso_utc(generation_epoch(spec, history.born), true);
  if (history.generation != history.born) {
    // Renamed, reinstalled, someone else logged on.
    const std::uint64_t h =
        hash_of(spec, kAssetRevision, i, static_cast<std::uint64_t>(history.generation));
    a.asset_name = std::string(pick(kAssetNames, h >> 8)) + "-" + std::to_string(i) + "-g" +
                   std::to_string(history.generation);
    const auto base_os = std::find(kOsNames.begin(), kOsNames.end(), a.operating_system.full_name);
    const auto from =
        base_os == kOsNames.end() ? 0 : static_cast<std::size_t>(base_os - kOsNames.begin());
    const auto k = (from + 1 + h % (kOsNames.size() - 1)) % kOsNames.size();
    a.operating_system = {true, std::string(kOsNames[k]), std::string(kOsCat1[k]),
                          std::string(kOsCat2[k])};
    if (h % 3 == 0) a.last_logged_on_user = std::string(pick(kUsers, h >> 16));
  }
  a.last_modified_date = iso_utc(t, true);
  a.epoch_ms = t * 1000;
  return a;
}

std::int64_t asset_updated_at(const DataSpec& spec, std::int64_t i) {
  const int generation = asset_generation(spec, i);
  return generation > 0 ? generation_epoch(spec, generation) : base_asset_dates(spec, i).second;
}

SimVuln vuln_at(const DataSpec& spec, std::int64_t i) {
  SimVuln v = base_vuln_at(spec, i);
  const RecordHistory history = record_history(spec, RecordType::vuln, i);
  if (history.generation == 0) return v;
  if (history.born > 0) v.published = iso_utc(generation_epoch(spec, history.born), false);
  if (history.generation != history.born) {
    // A service revision: new title, severity and CVE list. VULN_TYPE and the IG flag stay, and
    // detections keep the generation-0 severity, so hosts nobody touched stay byte-identical.
    const std::uint64_t h =
        hash_of(spec, kVulnRevision, i, static_cast<std::uint64_t>(history.generation));
    v.title += " [revision " + std::to_string(history.generation) + "]";
    v.severity = v.severity % 5 + 1;
    if (!v.cves.empty()) v.cves.erase(v.cves.begin());
    v.cves.push_back(cve_of("CVE-2025-" + std::to_string(100000 + h % 900000)));
  }
  v.last_modified = iso_utc(generation_epoch(spec, history.generation), false);
  return v;
}

std::int64_t vuln_modified_at(const DataSpec& spec, std::int64_t i) {
  const int generation = vuln_generation(spec, i);
  return generation > 0 ? generation_epoch(spec, generation) : base_vuln_modified(spec, i);
}

SimHost host_at(const DataSpec& spec, std::int64_t j) {
  SimHost host = base_host_at(spec, j);
  const RecordHistory history = record_history(spec, RecordType::host, j);
  if (history.generation == 0) return host;
  if (history.generation != history.born) {
    // Reinstalled; a third of the changed hosts also moved to another address.
    const std::uint64_t h =
        hash_of(spec, kHostRevision, j, 1000 + static_cast<std::uint64_t>(history.generation));
    const auto base_os = std::find(kHostOs.begin(), kHostOs.end(), host.os);
    const auto from =
        base_os == kHostOs.end() ? 0 : static_cast<std::size_t>(base_os - kHostOs.begin());
    host.os = std::string(kHostOs[(from + 1 + h % (kHostOs.size() - 1)) % kHostOs.size()]);
    if (h % 3 == 0) {
      host.ip = "10." + std::to_string(228 + ((j >> 16) & 15)) + "." +
                std::to_string((j >> 8) & 255) + "." + std::to_string(j & 255);
    }
  }
  host.last_scan = iso_utc(generation_epoch(spec, history.generation), false);
  return host;
}

std::int64_t host_processed_at(const DataSpec& spec, std::int64_t j) {
  const int generation = host_generation(spec, j);
  return generation > 0 ? generation_epoch(spec, generation) : base_last_scan(spec, j);
}

std::vector<SimDetection> detections_at(const DataSpec& spec, std::int64_t j) {
  std::vector<SimDetection> detections = base_detections_at(spec, j);
  const RecordHistory history = record_history(spec, RecordType::host, j);
  // A host added by a step has its generated detections; a changed one was rescanned.
  if (history.generation != history.born) rescan(spec, j, history.generation, detections);
  return detections;
}

}  // namespace qi::sim
