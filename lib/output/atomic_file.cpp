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

void create_private_directories(const std::filesystem::path& dir) {
  if (dir.empty()) return;
  struct stat info {};
  if (::stat(dir.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) return;
    throw FatalError("cannot create directory " + dir.string() + ": a file of that name exists");
  }
  create_private_directories(dir.parent_path());
  if (::mkdir(dir.c_str(), kPrivateDirMode) != 0) {
    if (errno == EEXIST) return;  // created by someone else meanwhile: theirs to set
    throw FatalError("cannot create directory " + dir.string() + ": " + std::strerror(errno));
  }
  if (::chmod(dir.c_str(), kPrivateDirMode) != 0) {
    throw FatalError("cannot set mode 0750 on " + dir.string() + ": " + std::strerror(errno));
  }
}

void replace_file_atomically(const std::filesystem::path& target, std::string_view contents,
                             mode_t mode) {
  const auto dir = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
  create_private_directories(dir);
  const auto temp = dir / temp_file_name(target.filename().string());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw FatalError("cannot create " + temp.string() + ": " + std::strerror(errno));
  try {
    FileDescriptor owner(fd);
    if (::fchmod(fd, mode) != 0) {
      throw FatalError("cannot set the mode of " + temp.string() + ": " + std::strerror(errno));
    }
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
