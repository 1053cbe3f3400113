// Durations as operators write them in config.yaml: "50m", "90s", "1h30m", "500ms", "2h", "1d".
// A bare integer ("90") means seconds, so `timeout: 3000` reads as 3000 s, as a YAML integer would
// suggest to someone used to the legacy `timeout 50m`-style scripts.
#pragma once

#include <string>
#include <string_view>

#include "config/config.hpp"

namespace qi::config {

// Parses one or more <digits><unit> groups, units from largest to smallest, each at most once
// (d, h, m, s, ms), or a bare non-negative integer of seconds. No spaces, signs or fractions.
// Throws std::invalid_argument with the reason (never echoing more than the offending text).
Duration parse_duration(std::string_view text);

// The canonical form parse_duration reads back: "1h30m", "500ms", "0s", "1d2h".
std::string format_duration(Duration duration);

}  // namespace qi::config
