#include "output/file_copy.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
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

// Calls `piece` with the bytes of `fd` in [offset, end), read with pread.
void read_range(int fd, std::uint64_t offset, std::uint64_t end, const std::filesystem::path& path,
                const std::function<void(std::string_view piece)>& piece) {
  std::vector<char> buffer(
      static_cast<std::size_t>(std::min<std::uint64_t>(1 << 20, end - offset)));
  while (offset < end) {
    const auto want =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), end - offset));
    const ssize_t n = ::pread(fd, buffer.data(), want, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("reading a segment for", path, errno);
    }
    if (n == 0) fail("reading a segment for", path, EIO);  // the segment is shorter than said
    piece(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
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
      // No copy_file_range for these files: through our own buffer.
      read_range(
          from_fd, static_cast<std::uint64_t>(offset), length, to_path,
          [&](std::string_view piece) { write_all(to_fd, piece.data(), piece.size(), to_path); });
      return;
    }
    fail("copying a segment into", to_path, n == 0 ? EIO : errno);
  }
}

void read_file_range(int fd, std::uint64_t length, const std::filesystem::path& path,
                     const std::function<void(std::string_view piece)>& piece) {
  read_range(fd, 0, length, path, piece);
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
