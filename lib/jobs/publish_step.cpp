#include "jobs/publish_step.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/log.hpp"
#include "state/job_lock.hpp"
#include "state/state_dir.hpp"
#include "state/state_file.hpp"

namespace qi::jobs {

namespace {

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
    const auto published_at = state::now_text();
    std::map<std::string, output::ManifestFile> entries;
    for (const auto& file : files) {
      const auto path = dir / file.name;
      const auto identity = output::identity_of(path);
      const auto* digest = publication.find_tap<output::Sha256>(file.name);
      entries[file.name] = {file.rows,
                            file.bytes,
                            digest ? digest->hex() : output::sha256_of_file(path),
                            job,
                            env.context.run_id,
                            published_at,
                            identity.value_or(output::FileIdentity{})};
    }
    references = check_references(dir, env.config.state.dir, &publication);
    // A `run` beside the daemon publishes too: re-read under the lock, so that neither
    // rewrite loses the other's entries (the slow parts above stay outside it).
    const auto lock =
        state::JobLock::wait_for(env.config.state.dir, std::string(state::kManifestLock), job);
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
