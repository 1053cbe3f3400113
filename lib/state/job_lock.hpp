// One job never runs twice at once on a machine, also when an operator runs
// `qualys-insightd run` beside the service: each run holds an exclusive flock on
// <state.dir>/<job>.lock, which the kernel releases when the process dies (no stale locks).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace qi::state {

class JobLock {
 public:
  // Takes the lock without waiting. Returns nullopt when another process holds it; `holder`
  // then says who ("process 1234 (run), since 2026-11-28T02:00:00Z"). Throws qi::FatalError when
  // the state directory is unusable.
  static std::optional<JobLock> try_acquire(const std::filesystem::path& state_dir,
                                            const std::string& job, const std::string& purpose,
                                            std::string* holder = nullptr);

  // Waits for the lock `<state_dir>/<name>.lock`. For short critical sections that processes
  // beside each other share, such as the read-modify-write of manifest.json ("manifest").
  // Throws qi::FatalError when the state directory is unusable.
  static JobLock wait_for(const std::filesystem::path& state_dir, const std::string& name,
                          const std::string& purpose);

  JobLock(JobLock&& other) noexcept;
  JobLock& operator=(JobLock&& other) noexcept;
  JobLock(const JobLock&) = delete;
  JobLock& operator=(const JobLock&) = delete;
  ~JobLock();

 private:
  explicit JobLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace qi::state
