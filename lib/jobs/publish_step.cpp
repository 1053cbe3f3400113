#include "jobs/publish_step.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "common/error.hpp"
#include "common/log.hpp"
#include "jobs/columns.hpp"
#include "output/atomic_file.hpp"
#include "output/csv_lines.hpp"
#include "state/job_lock.hpp"

namespace qi::jobs {

namespace {

constexpr std::size_t kFirstFew = 5;
constexpr std::string_view kAssetHostIdsFile = "asset-host-ids";

std::string now_iso() {
  const auto t = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// The rows the previous publication of `name` had: from the manifest when it still describes the
// file on disk, else counted.
std::uint64_t previous_rows(const output::Manifest& manifest, const std::filesystem::path& dir,
                            const std::string& name) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(dir / name, ec);
  if (ec) return 0;
  if (auto it = manifest.files.find(name); it != manifest.files.end() && it->second.bytes == size) {
    return it->second.rows;
  }
  return output::count_csv_rows(dir / name);
}

// The integer first column of a published CSV (QIDs of vulnkb.csv), sorted.
std::optional<std::vector<std::int64_t>> first_column_ids(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::nullopt;
  std::vector<std::int64_t> ids;
  output::for_each_row(file, [&](std::string_view row) {
    const auto field = output::next_field(row);
    if (!field) return;
    if (const auto id = output::to_int(*field)) ids.push_back(*id);
  });
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::optional<std::vector<std::int64_t>> read_asset_host_ids(
    const std::filesystem::path& state_dir) {
  const auto file = state_dir / kAssetHostIdsFile;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::nullopt;
  std::vector<std::int64_t> ids;
  output::for_each_line(file, [&](std::string_view line) {
    if (const auto id = output::to_int(line)) ids.push_back(*id);
  });
  return ids;  // written sorted
}

void note(output::ReferenceCheck& check, std::int64_t id) {
  ++check.count;
  if (check.first.size() < kFirstFew) check.first.push_back(std::to_string(id));
}

}  // namespace

void save_after_publishing(JobEnvironment& env, JobResult& result, std::string_view what,
                           const std::function<void()>& save, const std::function<void()>& forget) {
  try {
    save();
    return;
  } catch (const std::exception& error) {
    const auto& job = env.context.job;
    result.state_not_saved.push_back(fmt::format("{} not saved: {}", what, error.what()));
    log::error(fmt::format("{}: the files are published, but {} could not be saved: {}", job, what,
                           error.what()),
               {{"JOB", job}, {"RUN_ID", env.context.run_id}});
  }
  if (forget) forget();
}

void forget_asset_host_ids(const std::filesystem::path& state_dir) noexcept {
  std::error_code ignored;
  std::filesystem::remove(state_dir / kAssetHostIdsFile, ignored);
}

void save_asset_host_ids(const std::filesystem::path& state_dir, std::vector<std::int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::string text;
  text.reserve(ids.size() * 12);
  for (auto id : ids) (text += std::to_string(id)) += '\n';
  output::replace_file_atomically(state_dir / kAssetHostIdsFile, text, output::kPrivateFileMode);
}

std::map<std::string, output::ReferenceCheck> check_references(
    const std::filesystem::path& output_dir, const std::filesystem::path& state_dir) {
  std::map<std::string, output::ReferenceCheck> checks;
  const auto vm_file = output_dir / kVmFile;
  std::error_code ec;
  if (!std::filesystem::exists(vm_file, ec)) return checks;
  const auto qids = first_column_ids(output_dir / kVulnKbFile);
  const auto hosts = read_asset_host_ids(state_dir);
  if (!qids && !hosts) return checks;

  output::ReferenceCheck missing_qids;
  output::ReferenceCheck missing_hosts;
  std::set<std::int64_t> qids_seen_missing;
  std::optional<std::int64_t> last_host;
  output::for_each_row(vm_file, [&](std::string_view row) {
    const auto host_field = output::next_field(row);
    const auto qg_host_field = output::next_field(row);
    const auto qid_field = output::next_field(row);
    if (!host_field || !qg_host_field || !qid_field) return;
    const auto host = output::to_int(*host_field);
    const auto qid = output::to_int(*qid_field);
    if (!host || !qid) return;
    if (hosts && host != last_host && !std::binary_search(hosts->begin(), hosts->end(), *host)) {
      note(missing_hosts, *host);
    }
    last_host = host;
    if (qids && !std::binary_search(qids->begin(), qids->end(), *qid) &&
        qids_seen_missing.insert(*qid).second) {
      note(missing_qids, *qid);
    }
  });
  if (qids) checks["vm_qids_missing_from_vulnkb"] = std::move(missing_qids);
  if (hosts) checks["vm_hosts_missing_from_assets"] = std::move(missing_hosts);
  return checks;
}

void publish_checked(JobEnvironment& env, output::Publication& publication,
                     const std::vector<PublishedFile>& files, JobResult& result) {
  const auto& dir = env.config.output.dir;
  const auto& job = env.context.job;
  auto manifest = output::read_manifest(dir);
  const double min_ratio = schedule_of(env.config, result.kind).min_ratio;
  if (!env.force && min_ratio > 0) {
    for (const auto& file : files) {
      const auto before = previous_rows(manifest, dir, file.name);
      if (before > 0 && static_cast<double>(file.rows) < min_ratio * static_cast<double>(before)) {
        throw FatalError(fmt::format(
            "{} would shrink from {} to {} rows, below jobs.{}.min_ratio ({}); not publishing, "
            "the previous files stay. If the drop is real, run `qualys-insightd run --force {}` "
            "once, or lower jobs.{}.min_ratio",
            file.name, before, file.rows, job, min_ratio, job, job));
      }
    }
  }

  publication.commit();
  std::string names;
  for (const auto& file : files) names += (names.empty() ? "" : ", ") + file.name;
  log::info(fmt::format("{}: published {}", job, names),
            {{"JOB", job}, {"RUN_ID", env.context.run_id}});

  // Published: from here on a failure is reported as what it is, not as a failed run.
  // Empty unless computed for this publication: an older manifest's checks are not this run's.
  std::map<std::string, output::ReferenceCheck> references;
  save_after_publishing(env, result, std::string(output::kManifestFile), [&] {
    const auto published_at = now_iso();
    std::map<std::string, output::ManifestFile> entries;
    for (const auto& file : files) {
      const auto path = dir / file.name;
      const auto identity = output::identity_of(path);
      entries[file.name] = {file.rows,
                            file.bytes,
                            output::sha256_of_file(path),
                            job,
                            env.context.run_id,
                            published_at,
                            identity.value_or(output::FileIdentity{})};
    }
    references = check_references(dir, env.config.state.dir);
    // A `run` beside the daemon publishes too: re-read under the lock, so that neither
    // rewrite loses the other's entries (the slow parts above stay outside it).
    const auto lock =
        state::JobLock::wait_for(env.config.state.dir, std::string(kManifestLock), job);
    manifest = output::read_manifest(dir);
    for (auto& [name, entry] : entries) manifest.files[name] = std::move(entry);
    manifest.references = references;
    output::write_manifest(dir, manifest);
  });

  for (const auto& [name, check] : references) {
    if (check.count == 0) continue;
    std::string first;
    for (const auto& id : check.first) first += (first.empty() ? "" : ", ") + id;
    log::info(fmt::format("{}: reference check {}: {} (first: {})", job, name, check.count, first),
              {{"JOB", job},
               {"RUN_ID", env.context.run_id},
               {"CHECK", name},
               {"COUNT", std::to_string(check.count)}});
  }
  result.references = std::move(references);
}

}  // namespace qi::jobs
