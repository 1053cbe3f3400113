// A tmpfs of a given size mounted on a directory for one test (a file system that fills up for
// real: ENOSPC), unmounted when the object goes. Mounting needs root (CI runs as root).
#pragma once

#include <filesystem>

namespace qi::testing {

class SmallTmpfs {
 public:
  // Creates `mount_point` and mounts a tmpfs of `size` (mount's size= option, such as "4k").
  SmallTmpfs(std::filesystem::path mount_point, const char* size);
  ~SmallTmpfs();
  SmallTmpfs(const SmallTmpfs&) = delete;
  SmallTmpfs& operator=(const SmallTmpfs&) = delete;

  bool mounted() const { return mounted_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  bool mounted_ = false;
};

}  // namespace qi::testing
