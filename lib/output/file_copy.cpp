#include "output/file_copy.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace qi::output {
namespace {

[[noreturn]] void fail(const char* what, const std::filesystem::path& path, int err) {
  const std::string reason = std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) {
    throw FatalError("disk full " + std::string(what) + " " + path.string() + ": " + reason);
  }
  throw FatalError("error " + std::string(what) + " " + path.string() + ": " + reason);
}

void write_all(int fd, const char* data, std::size_t size, const std::filesystem::path& path) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("writing", path, errno);
    }
    if (n == 0) fail("writing", path, EIO);
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

// pread/write from `offset` on: for kernels and file systems without copy_file_range.
void copy_with_buffer(int from_fd, std::uint64_t offset, std::uint64_t end, int to_fd,
                      const std::filesystem::path& to_path) {
  std::vector<char> buffer(1 << 20);
  while (offset < end) {
    const auto want =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), end - offset));
    const ssize_t n = ::pread(from_fd, buffer.data(), want, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("reading a segment for", to_path, errno);
    }
    if (n == 0) fail("reading a segment for", to_path, EIO);  // the segment is shorter than said
    write_all(to_fd, buffer.data(), static_cast<std::size_t>(n), to_path);
    offset += static_cast<std::uint64_t>(n);
  }
}

}  // namespace

void append_file_contents(int from_fd, std::uint64_t length, int to_fd,
                          const std::filesystem::path& to_path) {
  loff_t offset = 0;
  const auto end = static_cast<loff_t>(length);
  while (offset < end) {
    const ssize_t n = ::copy_file_range(from_fd, &offset, to_fd, nullptr,
                                        static_cast<std::size_t>(end - offset), 0);
    if (n > 0) continue;  // copy_file_range advanced `offset` itself
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
      copy_with_buffer(from_fd, static_cast<std::uint64_t>(offset), length, to_fd, to_path);
      return;
    }
    fail("copying a segment into", to_path, n == 0 ? EIO : errno);
  }
}

int open_unnamed_temp_file(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL && errno != ENOENT) {
    fail("creating a temp file in", dir, errno);
  }
  std::random_device random;
  for (int tries = 0; tries < 16; ++tries) {
    const auto name =
        dir / (".segment.tmp-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    fd = ::open(name.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) {
      ::unlink(name.c_str());
      return fd;
    }
    if (errno != EEXIST) fail("creating a temp file in", dir, errno);
  }
  fail("creating a temp file in", dir, EEXIST);
}

}  // namespace qi::output
