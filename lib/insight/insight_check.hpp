// What `check` can say about the insight section beyond the YAML (config/insight_section.hpp):
// the schedule as a cron expression, ca_file as trust anchors, and the token or credentials
// file read as the job would read it. The secrets themselves never reach a message.
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"
#include "config/config.hpp"

namespace qi::insight {

// Every problem, each naming the config file, the key and the reason; empty with mode off.
std::vector<ConfigError> insight_problems(const config::Config& config);

// Token or credentials files readable by group or others, one warning each; empty with mode off.
std::vector<std::string> insight_warnings(const config::Config& config);

}  // namespace qi::insight
