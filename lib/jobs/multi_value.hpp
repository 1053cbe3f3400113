// Multi-value cells (config::ValueKind::multi_text): values joined with "||", Insight's
// multi-value separator. Parsers drop empty values before they get here; a value holding "||"
// itself is written as sent (an importer then reads it as two values, docs/configuration.md).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace qi::jobs {

// `values` joined with "||" in their order; with `distinct`, each value once (its first place).
inline std::string joined(const std::vector<std::string>& values, bool distinct) {
  std::string text;
  for (auto value = values.begin(); value != values.end(); ++value) {
    if (distinct && std::find(values.begin(), value, *value) != value) continue;
    text.append(text.empty() ? "" : "||").append(*value);
  }
  return text;
}

}  // namespace qi::jobs
