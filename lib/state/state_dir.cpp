#include "state/state_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "output/publication.hpp"

namespace qi::state {
namespace {

// Creates and removes a temp file in `dir`; the reason when that fails.
std::optional<std::string> write_probe_problem(const std::filesystem::path& dir) {
  // A temp file name: should we die in between, the start-up sweep removes it.
  const std::filesystem::path probe = dir / output::temp_file_name("write-probe");
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return std::string(std::strerror(errno));
  ::close(fd);
  ::unlink(probe.c_str());
  return std::nullopt;
}

}  // namespace

std::optional<std::string> state_dir_problem(const std::filesystem::path& dir) {
  const std::string hint = " (state.dir must be writable by the daemon's user)";
  std::filesystem::path existing = dir;
  struct stat st {};
  while (::stat(existing.c_str(), &st) != 0) {
    const int err = errno;
    if (err != ENOENT || existing.parent_path() == existing) {
      return "cannot access " + existing.string() + ": " + std::strerror(err);
    }
    existing = existing.parent_path();
  }
  if (existing == dir) {
    if (!S_ISDIR(st.st_mode)) return "state directory " + dir.string() + " is not a directory";
    if (auto problem = write_probe_problem(dir)) {
      return "cannot create files in state directory " + dir.string() + ": " + *problem + hint;
    }
  } else {
    // JobLock::try_acquire creates the missing directories there on first use.
    if (!S_ISDIR(st.st_mode)) {
      return "cannot create state directory " + dir.string() + ": " + existing.string() +
             " is not a directory";
    }
    if (auto problem = write_probe_problem(existing)) {
      return "cannot create state directory " + dir.string() + " in " + existing.string() + ": " +
             *problem + hint;
    }
    return std::nullopt;
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".lock") continue;
    // Opened as JobLock::try_acquire opens it, without changing it.
    const int fd = ::open(entry.path().c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      return "cannot open lock file " + entry.path().string() +
             " for writing: " + std::strerror(err) +
             " (left by a run as another user? chown it to the daemon's user)";
    }
    ::close(fd);
  }
  return std::nullopt;
}

}  // namespace qi::state
