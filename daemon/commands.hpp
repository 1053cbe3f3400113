// One function per command; each returns the process exit code (command_line.hpp).
#pragma once

#include "command_line.hpp"

namespace qi::daemon {

int run_command(const CommandLine& line);
int check_command(const CommandLine& line);
int next_command(const CommandLine& line);
int status_command(const CommandLine& line);
int convert_command(const CommandLine& line);
int daemon_command(const CommandLine& line);

}  // namespace qi::daemon
