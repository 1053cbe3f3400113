// qualys-insightd: wiring only. Parse argv, hand over to the command, map errors to exit codes.
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>

#include "command_line.hpp"
#include "commands.hpp"
#include "common/error.hpp"
#include "logging.hpp"

int main(int argc, char* argv[]) {
  using namespace qi::daemon;
  // Output into a closed pipe (`run all | head -1`) must fail the write (EPIPE, which the log and
  // std::cout ignore), not kill a run half way with its temp files left: the jobs finish, and
  // the exit code says how they did.
  std::signal(SIGPIPE, SIG_IGN);
  CommandLine line;
  try {
    line = parse_command_line(argc, argv);
  } catch (const std::invalid_argument& error) {
    std::cerr << "qualys-insightd: " << error.what() << "\n\n" << usage_text();
    return kExitUsage;
  }
  setup_logging();
  try {
    switch (line.command) {
      case Command::help:
        std::cout << usage_text();
        return kExitOk;
      case Command::version:
        std::cout << "qualys-insightd " << QI_VERSION << "\n";
        return kExitOk;
      case Command::run:
        return run_command(line);
      case Command::check:
        return check_command(line);
      case Command::next:
        return next_command(line);
      case Command::status:
        return status_command(line);
      case Command::convert:
        return convert_command(line);
      case Command::daemon:
        return daemon_command(line);
    }
  } catch (const qi::ConfigError& error) {
    spdlog::error("configuration: {}", error.what());
    return kExitConfig;
  } catch (const std::exception& error) {
    spdlog::error("{}", error.what());
    return kExitJobFailed;
  }
  return kExitOk;
}
