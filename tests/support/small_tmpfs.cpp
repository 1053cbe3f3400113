#include "support/small_tmpfs.hpp"

#include <sys/mount.h>

#include <string>
#include <utility>

namespace qi::testing {

SmallTmpfs::SmallTmpfs(std::filesystem::path mount_point, const char* size)
    : path_(std::move(mount_point)) {
  std::filesystem::create_directories(path_);
  const std::string options = std::string("size=") + size;
  mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) == 0;
}

SmallTmpfs::~SmallTmpfs() {
  if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
}

}  // namespace qi::testing
