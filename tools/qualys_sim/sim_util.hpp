// Small pure helpers shared by the simulator's generators and renderers: hashing, dates,
// form/URL coding, base64, and the JSON/XML text escaping the renderers need.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qi::sim {

// splitmix64 over the inputs: the only source of "randomness" in the dataset.
std::uint64_t mix64(std::uint64_t seed, std::uint64_t domain, std::uint64_t index,
                    std::uint64_t salt);

// Seconds since the epoch as "YYYY-MM-DDTHH:MM:SSZ", or with ".000Z" when millis is set (CSAM).
std::string iso_utc(std::int64_t epoch_seconds, bool millis);

// "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SSZ" as seconds since the epoch; nullopt when
// the text has any other shape or an impossible field (month 13, February 30, hour 24).
std::optional<std::int64_t> parse_iso_utc(std::string_view text);

// Ordered name/value pairs from a query string or an x-www-form-urlencoded body.
using Params = std::vector<std::pair<std::string, std::string>>;
Params parse_form(std::string_view text);
std::string url_decode(std::string_view text);
std::string url_encode(std::string_view text);
// The last value given for name (a form may repeat a key; the last one wins).
std::optional<std::string> param(const Params& params, std::string_view name);

std::string base64_encode(std::string_view bytes, bool url_alphabet);
std::optional<std::string> base64_decode(std::string_view text);

// Appends text as the inside of a JSON string literal (UTF-8 passes through untouched).
void append_json_escaped(std::string& out, std::string_view text);
// {"name":count,...} of the stats' request counters (the names are ours: no escaping needed).
std::string counts_json(const std::map<std::string, std::uint64_t>& counts);
// Appends text as XML character data (&, <, > escaped).
void append_xml_escaped(std::string& out, std::string_view text);
// Appends <![CDATA[text]]>, splitting any "]]>" inside text across two sections.
void append_cdata(std::string& out, std::string_view text);

// Parses a decimal int64; nullopt when text is not entirely a number.
std::optional<std::int64_t> parse_int(std::string_view text);

// "1-5,7,9-12" as inclusive ranges, nullopt when malformed (Qualys answers 1905).
using IdRanges = std::vector<std::pair<std::int64_t, std::int64_t>>;
std::optional<IdRanges> parse_id_ranges(std::string_view text);
bool in_ranges(const IdRanges& ranges, std::int64_t id);

}  // namespace qi::sim
