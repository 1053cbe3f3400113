// An RAII temporary directory for tests: created fresh (mkdtemp) under the system temp dir and
// removed recursively when the object goes away, so tests use real files without leaving litter.
#pragma once

#include <filesystem>

namespace qi::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;

  const std::filesystem::path& path() const { return path_; }

 private:
  void remove() noexcept;

  std::filesystem::path path_;
};

}  // namespace qi::testing
