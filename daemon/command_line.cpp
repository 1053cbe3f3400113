#include "command_line.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "jobs/job.hpp"

namespace qi::daemon {

namespace {

bool is_job(std::string_view name) {
  return jobs::job_from_name(name).has_value();
}

// `convert` makes the files of a job that pulls from Qualys; insight has none.
bool converts(std::string_view name) {
  const auto kind = jobs::job_from_name(name);
  return kind && jobs::job_definition(*kind).pulls_from_qualys;
}

}  // namespace

std::string usage_text() {
  return R"(Usage: qualys-insightd [--config PATH] [COMMAND]

Pulls assets, the vulnerability knowledge base and host detections from Qualys and publishes
them atomically as CSV files for Jira Insight (Assets) imports.

Commands:
  (none)                 run as a daemon in the foreground: fire the jobs on their schedules
  run [--force] [--full] JOB...
                         run assets, kb, vm (or all) once, now; exit 0 only if every job published;
                         a job whose lock another process holds is named and left out, the
                         others run; --force publishes even if a file shrank below min_ratio or
                         the asset count is off (once, after you checked the drop is real);
                         --full pulls everything even where an incremental pull would do;
                         with insight.mode on, insight imports the published files into Jira
                         Assets (all: after the others; --force: also a set imported already)
  check [--online]       validate the configuration and the credentials file, print each problem;
                         --online: with insight.mode on, also reach Jira with its credentials and
                         say what was found (import sources, the Cloud import's status)
  next [--count N]       print the next run times of each job (default 5)
  status [--json]        print what each job did last and when it runs next (from state.dir),
                         and why a job needs attention (its last run failed, or it is overdue);
                         --json: one JSON object, for scripts and monitoring checks
  convert kb|vm|assets --input FILE... --output DIR
                         convert saved API responses (KB/detection XML, CSAM JSON pages) to the
                         same CSV files, published atomically into DIR; with --config, written
                         exactly as run writes them (output.double_backslashes); warns when the
                         last input is one page of a longer answer (WARNING 1980)

Options:
  --config PATH          configuration file (default /etc/qualys-insight/config.yaml)
  --help                 show this text
  --version              show the version

Exit codes:
  0  success            1  a job failed or did not start (nothing published for it;
                           previous files kept)
  2  usage error        3  invalid configuration or credentials
  4  run: interrupted by SIGINT, SIGTERM or SIGHUP before the jobs finished
  5  run: published, but a record in state.dir or manifest.json was not saved
  6  status: a job needs attention (its last run failed or timed out, or it is overdue)

Documentation: docs/operator-guide.md, docs/configuration.md, docs/troubleshooting.md
)";
}

CommandLine parse_command_line(int argc, const char* const argv[]) {
  CommandLine line;
  std::vector<std::string_view> args(argv + 1, argv + argc);
  bool have_command = false;
  auto need_value = [&](std::size_t& i, std::string_view flag) -> std::string_view {
    if (i + 1 >= args.size()) throw std::invalid_argument(std::string(flag) + " needs a value");
    return args[++i];
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto arg = args[i];
    if (arg == "--help" || arg == "-h") {
      line.command = Command::help;
      return line;
    }
    if (arg == "--version") {
      line.command = Command::version;
      return line;
    }
    if (arg == "--config" || arg == "-c") {
      line.config = std::string(need_value(i, arg));
      line.config_given = true;
      continue;
    }
    if (arg.starts_with("--config=")) {
      line.config = std::string(arg.substr(9));
      line.config_given = true;
      continue;
    }
    if (!have_command) {
      have_command = true;
      if (arg == "run")
        line.command = Command::run;
      else if (arg == "check")
        line.command = Command::check;
      else if (arg == "next")
        line.command = Command::next;
      else if (arg == "status")
        line.command = Command::status;
      else if (arg == "convert")
        line.command = Command::convert;
      else
        throw std::invalid_argument("unknown command '" + std::string(arg) + "'");
      continue;
    }
    switch (line.command) {
      case Command::run:
        if (arg == "--force") {
          line.force = true;
        } else if (arg == "--full") {
          line.full = true;
        } else if (arg == "all") {
          // insight joins when the configuration has it (run_command knows).
          line.all = true;
          for (const auto kind : jobs::kPullJobs) line.jobs.emplace_back(jobs::job_name(kind));
        } else if (is_job(arg)) {
          line.jobs.emplace_back(arg);
        } else {
          throw std::invalid_argument("unknown job '" + std::string(arg) +
                                      "' (jobs: assets, kb, vm, all)");
        }
        break;
      case Command::next:
        if (arg == "--count") {
          const auto value = need_value(i, arg);
          auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), line.count);
          if (ec != std::errc{} || ptr != value.data() + value.size() || line.count < 1) {
            throw std::invalid_argument("--count needs a positive number");
          }
        } else {
          throw std::invalid_argument("next takes only --count N");
        }
        break;
      case Command::check:
        if (arg != "--online") throw std::invalid_argument("check takes only --online");
        line.online = true;
        break;
      case Command::status:
        if (arg != "--json") throw std::invalid_argument("status takes only --json");
        line.json = true;
        break;
      case Command::convert:
        if (arg == "--input") {
          line.inputs.emplace_back(std::string(need_value(i, arg)));
          // Several files may follow one --input.
          while (i + 1 < args.size() && !args[i + 1].starts_with("--")) {
            line.inputs.emplace_back(std::string(args[++i]));
          }
        } else if (arg == "--output") {
          line.output = std::string(need_value(i, arg));
        } else if (line.convert_kind.empty() && converts(arg)) {
          line.convert_kind = std::string(arg);
        } else {
          throw std::invalid_argument("convert: unexpected argument '" + std::string(arg) + "'");
        }
        break;
      default:
        throw std::invalid_argument("unexpected argument '" + std::string(arg) + "'");
    }
  }
  if (line.command == Command::run) {
    if (line.jobs.empty())
      throw std::invalid_argument("run needs at least one job (assets, kb, vm, all)");
    // In the table's order: insight, when named, after the jobs whose files it imports.
    std::sort(line.jobs.begin(), line.jobs.end(), [](const auto& a, const auto& b) {
      return *jobs::job_from_name(a) < *jobs::job_from_name(b);
    });
    line.jobs.erase(std::unique(line.jobs.begin(), line.jobs.end()), line.jobs.end());
  }
  if (line.command == Command::convert) {
    if (line.convert_kind.empty()) throw std::invalid_argument("convert needs kb, vm or assets");
    if (line.inputs.empty()) throw std::invalid_argument("convert needs --input FILE...");
    if (line.output.empty()) throw std::invalid_argument("convert needs --output DIR");
  }
  return line;
}

}  // namespace qi::daemon
