#include "state/state_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "output/atomic_file.hpp"
#include "output/csv_lines.hpp"
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

std::filesystem::path StateDir::lock_file(std::string_view name) const {
  return dir_ / (std::string(name) + ".lock");
}

std::optional<std::vector<std::int64_t>> StateDir::read_asset_host_ids() const {
  const auto file = dir_ / kAssetHostIds;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::nullopt;
  std::vector<std::int64_t> ids;
  output::for_each_line(file, [&](std::string_view line) {
    if (const auto id = output::to_int(line)) ids.push_back(*id);
  });
  return ids;  // written sorted
}

void StateDir::save_asset_host_ids(std::vector<std::int64_t> ids) const {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::string text;
  text.reserve(ids.size() * 12);
  for (auto id : ids) (text += std::to_string(id)) += '\n';
  output::replace_file_atomically(dir_ / kAssetHostIds, text, output::kPrivateFileMode);
}

void StateDir::forget_asset_host_ids() const noexcept {
  std::error_code ignored;
  std::filesystem::remove(dir_ / kAssetHostIds, ignored);
}

std::map<std::string, std::uint64_t> StateDir::read_kb_window_rows() const {
  std::map<std::string, std::uint64_t> rows;
  std::ifstream in(dir_ / kKbWindowRows);
  std::string window;
  std::uint64_t count = 0;
  while (in >> window >> count) rows[window] = count;
  return rows;
}

void StateDir::save_kb_window_rows(
    const std::vector<std::pair<std::string, std::uint64_t>>& rows) const {
  std::string text;
  for (const auto& [window, count] : rows) text += window + ' ' + std::to_string(count) + '\n';
  output::replace_file_atomically(dir_ / kKbWindowRows, text, output::kPrivateFileMode);
}

void StateDir::forget_kb_window_rows() const noexcept {
  std::error_code ignored;
  std::filesystem::remove(dir_ / kKbWindowRows, ignored);
}

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
