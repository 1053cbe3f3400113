// Process-wide log set-up: plain lines on stderr (journald captures them under systemd).
#pragma once

#include <string_view>

namespace qi::daemon {

void setup_logging();
// Applies logging.level from the configuration ("trace" ... "error").
void set_log_level(std::string_view level);

}  // namespace qi::daemon
