// `check`, `next` and `convert`.
#include <date/tz.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "commands.hpp"
#include "config/config_loader.hpp"
#include "config/credentials.hpp"
#include "insight/insight_check.hpp"
#include "jobs/convert.hpp"
#include "jobs/job_support.hpp"
#include "loaded_config.hpp"
#include "output/publication.hpp"
#include "schedule/cron_expression.hpp"

namespace qi::daemon {

int check_command(const CommandLine& line) {
  auto problems = find_problems(line.config);
  for (const auto& problem : problems) std::cout << "error: " << problem.what() << "\n";
  if (!problems.empty()) {
    std::cout << line.config.string() << ": " << problems.size() << " problem"
              << (problems.size() == 1 ? "" : "s") << "\n";
    return kExitConfig;
  }
  auto loaded = load_everything(line.config);
  int warnings = 0;
  if (auto check = config::check_credentials_file(loaded.config.qualys.credentials_file);
      !check.warning.empty()) {
    std::cout << "warning: " << check.warning << "\n";
    ++warnings;
  }
  for (const auto& warning : insight::insight_warnings(loaded.config)) {
    std::cout << "warning: " << warning << "\n";
    ++warnings;
  }
  std::cout << line.config.string() << ": OK (API " << loaded.endpoints.api.host << ", gateway "
            << loaded.endpoints.gateway.host << ", user " << loaded.credentials.username;
  if (warnings) std::cout << ", " << warnings << " warning" << (warnings == 1 ? "" : "s");
  std::cout << ")\n";
  return kExitOk;
}

int next_command(const CommandLine& line) {
  auto config = config::load_config(line.config);
  int exit_code = kExitOk;
  for (const auto& definition : jobs::kJobs) {
    const std::string name(definition.name);
    const config::JobSchedule* job = &definition.schedule(config);
    if (!job->enabled) {
      std::cout << name << ": disabled\n";
      continue;
    }
    auto expression = schedule::CronExpression::parse(job->schedule);
    const date::time_zone* zone =
        job->time_zone.empty() ? date::current_zone() : date::locate_zone(job->time_zone);
    std::cout << name << ": \"" << job->schedule << "\" in " << zone->name() << "\n";
    if (auto reason = expression.never_fires_reason()) {
      std::cout << "  " << *reason << "\n";
      exit_code = kExitConfig;  // `check` reports it as a problem of jobs.<job>.schedule
      continue;
    }
    auto after =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    for (int i = 0; i < line.count; ++i) {
      auto next = expression.next_after(after, zone);
      if (!next) {
        std::cout << "  no firing within " << schedule::CronExpression::kSearchHorizon.count() / 366
                  << " years\n";
        break;
      }
      auto local = date::make_zoned(zone, *next);
      std::cout << "  " << date::format("%Y-%m-%d %H:%M:%S %Z (%z)", local) << "\n";
      after = *next;
    }
  }
  return exit_code;
}

int convert_command(const CommandLine& line) {
  auto kind = *jobs::job_from_name(line.convert_kind);
  // With --config the files are written exactly as `run` writes them (the output settings);
  // without, in the documented default dialect. Only the configuration file is read: convert
  // needs no credentials.
  const auto options = line.config_given ? jobs::convert_options(config::load_config(line.config))
                                         : jobs::ConvertOptions{};
  std::error_code ec;
  std::filesystem::create_directories(line.output, ec);  // a missing DIR is reported by convert
  auto conversion = jobs::convert_files(kind, line.inputs, line.output, options);
  for (const auto& file : conversion.files) {
    std::cout << (line.output / file.name).string() << ": " << file.rows << " rows, " << file.bytes
              << " bytes\n";
  }
  // The files are a faithful conversion of the inputs given (replaying one page is legitimate),
  // so the exit code stays 0; the warning says what is missing.
  if (conversion.incomplete) spdlog::warn("{}", *conversion.incomplete);
  return kExitOk;
}

}  // namespace qi::daemon
