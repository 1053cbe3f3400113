#include "output/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "output/file_descriptor.hpp"
#include "output/publication.hpp"

namespace qi::output {

void replace_file_atomically(const std::filesystem::path& target, std::string_view contents) {
  const auto dir = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const auto temp = dir / temp_file_name(target.filename().string());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw FatalError("cannot create " + temp.string() + ": " + std::strerror(errno));
  try {
    FileDescriptor owner(fd);
    ::fchmod(fd, 0644);
    while (!contents.empty()) {
      const auto n = ::write(fd, contents.data(), contents.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        throw FatalError("cannot write " + temp.string() + ": " + std::strerror(errno));
      }
      contents.remove_prefix(static_cast<std::size_t>(n));
    }
    if (::fsync(fd) != 0) {
      throw FatalError("cannot fsync " + temp.string() + ": " + std::strerror(errno));
    }
  } catch (...) {
    ::unlink(temp.c_str());
    throw;
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    throw FatalError("cannot replace " + target.string() + ": " + std::strerror(error));
  }
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

}  // namespace qi::output
