// The configuration, credentials and resolved endpoints that one generation of the daemon runs
// with. Built whole, validated, then used; a reload builds a new one (staging copy).
#pragma once

#include <filesystem>
#include <vector>

#include "common/error.hpp"
#include "config/config.hpp"
#include "net/http_client.hpp"
#include "qualys/qualys_session.hpp"

namespace qi::daemon {

struct LoadedConfig {
  config::Config config;
  config::Credentials credentials;
  qualys::Endpoints endpoints;
};

// Throws qi::ConfigError naming file, key and reason.
LoadedConfig load_everything(const std::filesystem::path& config_file);

// Logs a warning when the credentials file is readable by group or others.
void warn_about_credentials_permissions(const config::Config& config);

// At start, before any job runs: removes the temp files of runs that died (kill -9, power loss)
// from the output directory and from state.dir (state.json, manifest-style small files, the
// incremental bases' meta files) and the base directories no meta file names, then makes
// manifest.json match the files on disk (jobs/manifest_repair.hpp); logs what it did.
void sweep_interrupted_runs(const config::Config& config);

// Every problem of the configuration (config, credentials, schedules that are invalid or never
// fire, endpoints, ca_file, output.dir and state.dir), for `check`.
std::vector<ConfigError> find_problems(const std::filesystem::path& config_file);

}  // namespace qi::daemon
