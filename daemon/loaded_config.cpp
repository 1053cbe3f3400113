#include "loaded_config.hpp"

#include <date/tz.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "config/config_loader.hpp"
#include "config/credentials.hpp"
#include "config/platforms.hpp"
#include "insight/insight_check.hpp"
#include "jobs/incremental_base.hpp"
#include "jobs/manifest_repair.hpp"
#include "metrics_textfile.hpp"
#include "net/origin.hpp"
#include "net/tls_context.hpp"
#include "output/publication.hpp"
#include "schedule/cron_expression.hpp"
#include "state/state_dir.hpp"

namespace qi::daemon {

namespace {

// The jobs.<job> schedules; insight's (the insight section) is insight_problems' to check.
void check_schedules(const config::Config& config, std::vector<ConfigError>& problems) {
  for (const auto kind : jobs::kPullJobs) {
    const std::string name(jobs::job_name(kind));
    const auto schedule = jobs::schedule_of(config, kind);
    const config::JobSchedule* job = &schedule;
    const std::string key = std::string("jobs.") + name + ".schedule";
    try {
      const auto expression = schedule::CronExpression::parse(job->schedule);
      // A disabled job's schedule is never used, so an expression that never fires is only a
      // mistake when the job is enabled.
      if (auto reason = expression.never_fires_reason(); reason && job->enabled) {
        problems.emplace_back(config.source.string(), key,
                              "\"" + job->schedule + "\" " + *reason +
                                  "; to run the job only by hand, set jobs." + name +
                                  ".enabled: false");
      }
    } catch (const std::exception& error) {
      problems.emplace_back(config.source.string(), key, error.what());
    }
    if (!job->time_zone.empty()) {
      try {
        date::locate_zone(job->time_zone);
      } catch (const std::exception&) {
        problems.emplace_back(config.source.string(), std::string("jobs.") + name + ".time_zone",
                              "unknown time zone '" + job->time_zone +
                                  "' (see /usr/share/zoneinfo; e.g. Europe/Berlin)");
      }
    }
  }
}

// What the loader cannot see in the file itself and a run would fail on, or leak through.
void check_files(const config::Config& config, std::vector<ConfigError>& problems) {
  const std::string file = config.source.string();
  if (!config.qualys.ca_file.empty()) {
    if (auto problem = net::ca_file_problem(config.qualys.ca_file.string())) {
      problems.emplace_back(file, "qualys.ca_file", *problem);
    }
  }
  try {
    output::check_output_dir(config.output.dir);
  } catch (const std::exception& error) {
    problems.emplace_back(file, "output.dir", error.what());
  }
  if (auto problem = state::state_dir_problem(config.state.dir)) {
    problems.emplace_back(file, "state.dir", *problem);
  }
  if (!config.metrics.textfile.empty()) {
    if (auto problem = metrics_textfile_problem(config.metrics.textfile)) {
      problems.emplace_back(file, "metrics.textfile", *problem);
    }
  }
}

qualys::Endpoints endpoints_of(const config::Config& config,
                               const config::Credentials& credentials) {
  auto urls = config::resolve_endpoints(config, credentials);
  auto origin = [&](const std::string& url, const char* key) {
    try {
      return net::parse_origin(url);
    } catch (const std::exception& error) {
      throw ConfigError(config.source.string(), key, error.what());
    }
  };
  return {origin(urls.api_url, "qualys.api_url"), origin(urls.gateway_url, "qualys.gateway_url")};
}

}  // namespace

LoadedConfig load_everything(const std::filesystem::path& config_file) {
  LoadedConfig loaded;
  loaded.config = config::load_config(config_file);
  std::vector<ConfigError> problems;
  check_schedules(loaded.config, problems);
  // The insight job's schedule and credential files, read as its runs read them.
  for (auto& problem : insight::insight_problems(loaded.config)) problems.push_back(problem);
  if (!problems.empty()) throw problems.front();
  loaded.credentials = config::load_credentials(loaded.config.qualys.credentials_file);
  loaded.endpoints = endpoints_of(loaded.config, loaded.credentials);
  return loaded;
}

void sweep_interrupted_runs(const config::Config& config) {
  std::size_t swept = 0;
  const state::StateDir state_dir(config.state.dir);
  for (const auto& dir : {config.output.dir, state_dir.path(), state_dir.bases()}) {
    swept += output::sweep_stale_temp_files(dir, true);
  }
  if (swept > 0) spdlog::info("removed {} temp files left by an interrupted earlier run", swept);
  if (const auto bases = jobs::sweep_unnamed_bases(config); bases > 0) {
    spdlog::info(
        "removed {} incremental base directories that no base file names (left by an "
        "interrupted run or a failed save) from {}",
        bases, state_dir.bases().string());
  }
  try {
    if (const auto repaired = jobs::repair_manifest(config); !repaired.empty()) {
      spdlog::info("manifest.json repaired from the files on disk: {}", fmt::join(repaired, ", "));
    }
  } catch (const std::exception& error) {
    spdlog::error(
        "could not make manifest.json match the files in {} ({}); an entry that is wrong "
        "stays until its job publishes again or the next start repairs it",
        config.output.dir.string(), error.what());
  }
}

void warn_about_credentials_permissions(const config::Config& config) {
  auto check = config::check_credentials_file(config.qualys.credentials_file);
  if (!check.warning.empty()) spdlog::warn("{}", check.warning);
}

std::vector<ConfigError> find_problems(const std::filesystem::path& config_file) {
  config::Config config;
  auto problems = config::check_config(config_file, &config);
  if (!problems.empty()) return problems;
  check_schedules(config, problems);
  check_files(config, problems);
  for (auto& problem : insight::insight_problems(config)) problems.push_back(std::move(problem));
  try {
    auto credentials = config::load_credentials(config.qualys.credentials_file);
    endpoints_of(config, credentials);
  } catch (const ConfigError& error) {
    problems.push_back(error);
  }
  return problems;
}

}  // namespace qi::daemon
