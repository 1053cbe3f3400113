// assets-sim's command line: the simulator options plus what only the executable does (port
// file, CA file, request log, object dump). Secrets come from files, never from argv.
#pragma once

#include <string>
#include <vector>

#include "assets_sim/assets_sim.hpp"

namespace qi::assets_sim {

extern const char* const kHelp;

struct CommandLine {
  AssetsSimOptions options;
  bool help = false;
  std::string port_file, ca_out, request_log, dump_objects;
  std::vector<std::string> cert_names = {"localhost", "127.0.0.1"};
  std::vector<FaultRule> faults;
};

// Throws std::invalid_argument naming the flag at fault.
CommandLine parse_command_line(const std::vector<std::string>& args);

}  // namespace qi::assets_sim
