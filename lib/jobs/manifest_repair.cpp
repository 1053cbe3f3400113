#include "jobs/manifest_repair.hpp"

#include <fmt/format.h>

#include <ctime>
#include <map>
#include <utility>

#include "common/log.hpp"
#include "jobs/columns.hpp"
#include "jobs/reference_checks.hpp"
#include "output/manifest.hpp"
#include "state/job_lock.hpp"
#include "state/state_dir.hpp"

namespace qi::jobs {
namespace {

constexpr std::pair<std::string_view, std::string_view> kOwners[] = {
    {kAssetsFile, "assets"}, {kVulnKbFile, "kb"}, {kCveFile, "kb"}, {kVmFile, "vm"}};

std::string iso_time(std::uint64_t nanoseconds) {
  const auto t = static_cast<std::time_t>(nanoseconds / 1'000'000'000u);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string short_sha(const std::string& sha) {
  return sha.empty() ? "none" : sha.substr(0, 12);
}

// What the files on disk say, for the entries that need it: a rebuilt entry, or (for a file
// that is gone) nullopt. Read outside the manifest lock: hashing can take minutes.
using Findings = std::map<std::string, std::optional<output::ManifestFile>>;

Findings examine(const std::filesystem::path& dir, const output::Manifest& manifest) {
  Findings findings;
  // Without a manifest nothing claims anything (files put there by hand, say): left alone.
  if (!std::filesystem::exists(dir / output::kManifestFile)) return findings;
  for (const auto& [name, job] : kOwners) {
    const std::string file(name);
    const auto identity = output::identity_of(dir / file);
    const auto entry = manifest.files.find(file);
    const bool listed = entry != manifest.files.end();
    if (!identity) {
      if (listed) findings[file] = std::nullopt;
      continue;
    }
    if (listed && entry->second.identity.known() && entry->second.identity == *identity) continue;
    auto measured = output::measure_file(dir / file);
    if (listed && entry->second.sha256 == measured.sha256) {
      // Same contents (a manifest of an older version, a chmod): only the identity is new.
      auto kept = entry->second;
      kept.identity = measured.identity;
      findings[file] = std::move(kept);
      continue;
    }
    measured.job = job;
    measured.published_at = iso_time(measured.identity.mtime_ns);
    findings[file] = std::move(measured);
  }
  return findings;
}

}  // namespace

std::vector<std::string> repair_manifest(const config::Config& config) {
  const auto& dir = config.output.dir;
  const auto findings = examine(dir, output::read_manifest(dir));
  if (findings.empty()) return {};
  // Another process may have published meanwhile: apply only what still holds.
  const auto lock =
      state::JobLock::wait_for(config.state.dir, std::string(state::kManifestLock), "start");
  auto manifest = output::read_manifest(dir);
  std::vector<std::string> repaired;
  for (const auto& [name, found] : findings) {
    const auto now = output::identity_of(dir / name);
    const auto entry = manifest.files.find(name);
    const bool listed = entry != manifest.files.end();
    if (!found) {
      if (now || !listed) continue;
      log::warn(fmt::format("manifest.json named {}, which is not in {}: entry removed", name,
                            dir.string()));
      manifest.files.erase(entry);
      repaired.push_back(name);
      continue;
    }
    if (now != found->identity || (listed && entry->second.identity == found->identity)) continue;
    if (listed && entry->second.sha256 == found->sha256) {
      manifest.files[name] = *found;  // identity recorded, nothing else changed
      continue;
    }
    log::warn(
        fmt::format("manifest.json: {} on disk ({} rows, SHA-256 {}…) is not the file its entry "
                    "described ({} rows, SHA-256 {}…, run {}): a run was interrupted between "
                    "publishing it and recording it. Entry rebuilt from the file",
                    name, found->rows, short_sha(found->sha256), listed ? entry->second.rows : 0,
                    listed ? short_sha(entry->second.sha256) : "none",
                    listed && !entry->second.run_id.empty() ? entry->second.run_id : "unknown"),
        {{"JOB", found->job}});
    manifest.files[name] = *found;
    repaired.push_back(name);
  }
  if (!repaired.empty()) manifest.references = check_references(dir, config.state.dir);
  output::write_manifest(dir, manifest);
  return repaired;
}

}  // namespace qi::jobs
