#include "state/job_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <utility>

#include "common/error.hpp"

namespace qi::state {

namespace {

std::string now_text() {
  const auto t = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string read_holder(int fd) {
  char buffer[256] = {};
  const auto n = ::pread(fd, buffer, sizeof buffer - 1, 0);
  if (n <= 0) return "another process";
  std::string text(buffer, static_cast<std::size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
  return text;
}

}  // namespace

std::optional<JobLock> JobLock::try_acquire(const std::filesystem::path& state_dir,
                                            const std::string& job, const std::string& purpose,
                                            std::string* holder) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  const auto path = state_dir / (job + ".lock");
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw FatalError("cannot open lock file " + path.string() + ": " + std::strerror(errno) +
                     " (is state.dir writable by this user?)");
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    if (holder) *holder = read_holder(fd) + "; lock file " + path.string();
    ::close(fd);
    if (error == EWOULDBLOCK) return std::nullopt;
    throw FatalError("cannot lock " + path.string() + ": " + std::strerror(error));
  }
  const std::string text = "process " + std::to_string(::getpid()) + " (" + purpose +
                           "), since " + now_text() + "\n";
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] auto written = ::pwrite(fd, text.data(), text.size(), 0);
  }
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
