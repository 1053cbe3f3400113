// A digest of a JSON document that ignores how it is laid out: members sorted by name at every
// level, no whitespace. Used for "our mapping changed" (the digest of the last mapping put is
// kept in the state) and works as well on a document read back from the server.
#pragma once

#include <string>
#include <string_view>

namespace qi::insight {

// The canonical form: compact, object members sorted by name (byte order), arrays in order,
// strings and numbers as RapidJSON writes them. Throws qi::FatalError when `json` is not JSON or
// nests deeper than 64 levels.
std::string canonical_json(std::string_view json);

// SHA-256 of canonical_json(json), lower-case hex.
std::string json_digest(std::string_view json);

}  // namespace qi::insight
