// Dates of the extra columns (docs/configuration.md, "Dates"): Qualys sends ISO-8601 in a few
// spellings (seconds with Z, fractions, offsets) and CSAM epoch milliseconds; every extra column
// carries one form, YYYY-MM-DDTHH:MM:SS.000Z in UTC, kept as seconds since the epoch in between.
// The milliseconds (always .000: Qualys's dates are to the second) make it the form CSAM's own
// dates in assets.csv have, so that every Insight import takes one Date/Time format.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qi::qualys {

// YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS with optional fraction (dropped) and Z, +HH:MM or +HHMM
// (none: UTC); surrounding blanks ignored. Nullopt for anything else.
std::optional<std::int64_t> parse_iso_seconds(std::string_view text);

// YYYY-MM-DDTHH:MM:SS.000Z (years 0 to 9999; `seconds` must lie in them).
std::string iso_from_seconds(std::int64_t seconds);

}  // namespace qi::qualys
