// jobs.<job>.jitter: every firing of a job is delayed by the same amount in [0, jitter), derived
// from the job's name, so each job's load lands at the same time every day while the jobs do not
// all start on the same second. FNV-1a, not std::hash, so the offset stays the same across
// builds and versions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace qi::schedule {

constexpr std::chrono::milliseconds stable_jitter(std::string_view job,
                                                  std::chrono::milliseconds jitter) {
  if (jitter.count() <= 0) return std::chrono::milliseconds(0);
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : job) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(hash % static_cast<std::uint64_t>(jitter.count())));
}

}  // namespace qi::schedule
