#include "state/job_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "common/error.hpp"
#include "output/atomic_file.hpp"
#include "state/state_dir.hpp"
#include "state/state_file.hpp"

namespace qi::state {

namespace {

std::string read_holder(int fd) {
  char buffer[256] = {};
  const auto n = ::pread(fd, buffer, sizeof buffer - 1, 0);
  if (n <= 0) return "another process";
  std::string text(buffer, static_cast<std::size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
  return text;
}

int open_lock_file(const std::filesystem::path& path) {
  output::create_private_directories(path.parent_path());
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, output::kPrivateFileMode);
  if (fd < 0) {
    throw FatalError("cannot open lock file " + path.string() + ": " + std::strerror(errno) +
                     " (is state.dir writable by this user?)");
  }
  // Also a lock file an older version left 0644: nothing in state.dir is for other users.
  (void)::fchmod(fd, output::kPrivateFileMode);
  return fd;
}

void write_holder(int fd, const std::string& purpose) {
  const std::string text =
      "process " + std::to_string(::getpid()) + " (" + purpose + "), since " + now_text() + "\n";
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] auto written = ::pwrite(fd, text.data(), text.size(), 0);
  }
}

}  // namespace

std::optional<JobLock> JobLock::try_acquire(const std::filesystem::path& state_dir,
                                            const std::string& job, const std::string& purpose,
                                            std::string* holder) {
  const auto path = StateDir(state_dir).lock_file(job);
  const int fd = open_lock_file(path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    if (holder) *holder = read_holder(fd) + "; lock file " + path.string();
    ::close(fd);
    if (error == EWOULDBLOCK) return std::nullopt;
    throw FatalError("cannot lock " + path.string() + ": " + std::strerror(error));
  }
  write_holder(fd, purpose);
  return JobLock(fd);
}

JobLock JobLock::wait_for(const std::filesystem::path& state_dir, const std::string& name,
                          const std::string& purpose) {
  const auto path = StateDir(state_dir).lock_file(name);
  const int fd = open_lock_file(path);
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const int error = errno;
    ::close(fd);
    throw FatalError("cannot lock " + path.string() + ": " + std::strerror(error));
  }
  write_holder(fd, purpose);
  return JobLock(fd);
}

JobLock::JobLock(JobLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

JobLock& JobLock::operator=(JobLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

JobLock::~JobLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace qi::state
