// `check`, `next` and `convert`.
#include <date/tz.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>

#include "commands.hpp"
#include "common/error.hpp"
#include "config/config_loader.hpp"
#include "config/credentials.hpp"
#include "generation.hpp"
#include "insight/insight_check.hpp"
#include "insight_probe.hpp"
#include "jobs/convert.hpp"
#include "jobs/job_support.hpp"
#include "loaded_config.hpp"
#include "net/https_client.hpp"
#include "output/publication.hpp"
#include "schedule/cron_expression.hpp"

namespace qi::daemon {

namespace {

// check --online: what Jira says to the insight job's credentials. Returns the exit code.
int check_online(const config::Config& config) {
  if (!jobs::insight_on(config)) {
    std::cout << "insight: mode off, nothing to reach\n";
    return kExitOk;
  }
  boost::asio::io_context io;
  auto http = net::make_https_client(io.get_executor(), jira_client_options(config));
  auto transport = insight::make_jira_transport(*http, jira_transport_options(config));
  int exit_code = kExitOk;
  boost::asio::co_spawn(
      io, probe_insight(*transport, config.insight),
      [&](std::exception_ptr error, std::vector<ProbeFinding> findings) {
        try {
          if (error) std::rethrow_exception(error);
        } catch (const TransientError& failure) {
          std::cout << "error: insight: Jira not reached: " << failure.what() << "\n";
          exit_code = kExitJobFailed;
          return;
        } catch (const std::exception& failure) {
          std::cout << "error: insight: " << failure.what() << "\n";
          exit_code = kExitConfig;
          return;
        }
        for (const auto& finding : findings) {
          std::cout << (finding.ok ? "insight: " : "error: insight: ") << finding.text << "\n";
          if (!finding.ok) exit_code = kExitConfig;
        }
      });
  io.run();
  return exit_code;
}

}  // namespace

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
  return line.online ? check_online(loaded.config) : kExitOk;
}

int next_command(const CommandLine& line) {
  auto config = config::load_config(line.config);
  int exit_code = kExitOk;
  for (const auto kind : jobs::configured_jobs(config)) {
    const std::string name(jobs::job_name(kind));
    const auto schedule = jobs::schedule_of(config, kind);
    const config::JobSchedule* job = &schedule;
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
