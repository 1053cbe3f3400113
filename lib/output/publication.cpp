#include "output/publication.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <random>
#include <stdexcept>

#include "common/error.hpp"

namespace qi::output {
namespace {

std::string error_text(int err) {
  return std::strerror(err);
}

std::string random_hex() {
  std::random_device device;
  std::uint64_t value = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  char text[17];
  for (int i = 15; i >= 0; --i) {
    text[i] = "0123456789abcdef"[value & 0xF];
    value >>= 4;
  }
  text[16] = '\0';
  return text;
}

// Opens a fresh temp file for `name` in `dir`; never replaces an existing file.
FileDescriptor create_temp(const std::filesystem::path& dir, std::string_view name,
                           std::filesystem::path& temp_path) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    temp_path = dir / temp_file_name(name);
    // Readable too: a rollback behind what the writer's taps saw reads the kept part again.
    int fd = ::open(temp_path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
      // Insight's importer may run as another user: the outputs are world-readable whatever
      // our umask is.
      (void)::fchmod(fd, 0644);
      return FileDescriptor(fd);
    }
    if (errno != EEXIST) {
      int err = errno;
      throw FatalError("cannot create temp file in " + dir.string() + ": " + error_text(err));
    }
  }
  throw FatalError("cannot create temp file in " + dir.string() + ": name collisions");
}

void fsync_dir(const std::filesystem::path& dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid() || ::fsync(fd.get()) != 0) {
    int err = errno;
    throw FatalError("fsync of output directory " + dir.string() + " failed: " + error_text(err));
  }
}

// Parses ".<name>.tmp-<pid>-<hex>"; returns the pid or 0 when `file` is not such a name.
pid_t temp_file_pid(std::string_view file) {
  if (file.size() < 2 || file.front() != '.') return 0;
  std::size_t dash = file.rfind('-');
  if (dash == std::string_view::npos) return 0;
  std::string_view hex = file.substr(dash + 1);
  if (hex.empty()) return 0;
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return 0;
  }
  std::string_view head = file.substr(0, dash);
  constexpr std::string_view kMarker = ".tmp-";
  std::size_t marker = head.rfind(kMarker);
  if (marker == std::string_view::npos || marker < 2) return 0;  // ".<name>" needs a name
  std::string_view pid_text = head.substr(marker + kMarker.size());
  pid_t pid = 0;
  auto [end, ec] = std::from_chars(pid_text.data(), pid_text.data() + pid_text.size(), pid);
  if (pid_text.empty() || ec != std::errc{} || end != pid_text.data() + pid_text.size() ||
      pid <= 0) {
    return 0;
  }
  return pid;
}

}  // namespace

std::string temp_file_name(std::string_view name) {
  return "." + std::string(name) + ".tmp-" + std::to_string(::getpid()) + "-" + random_hex();
}

Publication::Publication(std::filesystem::path dir, std::vector<std::string> file_names,
                         CsvDialect dialect)
    : dir_(std::move(dir)) {
  entries_.reserve(file_names.size());
  try {
    for (std::string& name : file_names) {
      if (name.empty() || name.front() == '.' || name.find('/') != std::string::npos) {
        throw std::invalid_argument("Publication: bad output file name \"" + name + "\"");
      }
      std::filesystem::path temp;
      FileDescriptor fd = create_temp(dir_, name, temp);
      entries_.push_back(Entry{std::move(name), temp, CsvWriter(std::move(fd), temp, dialect), {}});
    }
  } catch (...) {
    remove_temps();  // the destructor does not run when a constructor throws
    throw;
  }
}

Publication::~Publication() {
  remove_temps();
}

void Publication::remove_temps() noexcept {
  for (Entry& entry : entries_) {
    if (entry.temp_exists) {
      ::unlink(entry.temp.c_str());
      entry.temp_exists = false;
    }
  }
}

CsvWriter& Publication::writer(std::string_view file_name) {
  for (Entry& entry : entries_) {
    if (entry.name == file_name) return entry.writer;
  }
  throw std::out_of_range("Publication: no output file \"" + std::string(file_name) + "\"");
}

bool Publication::holds(std::string_view file_name) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& entry) { return entry.name == file_name; });
}

void Publication::add_tap(std::string_view file_name, std::unique_ptr<ContentTap> tap) {
  for (Entry& entry : entries_) {
    if (entry.name != file_name) continue;
    entry.writer.add_tap(*tap);
    entry.taps.push_back(std::move(tap));
    return;
  }
  throw std::out_of_range("Publication: no output file \"" + std::string(file_name) + "\"");
}

void Publication::commit() {
  if (committed_) throw std::logic_error("Publication::commit called twice");
  for (Entry& entry : entries_) entry.writer.sync();

  // Move each temp over its target. With RENAME_EXCHANGE the previous file ends up under the temp
  // name, so a failure on a later file can swap the earlier ones back; a target that did not
  // exist is simply renamed (and removed again on rollback).
  enum class Moved { exchanged, renamed };
  std::vector<Moved> moved;
  moved.reserve(entries_.size());
  auto undo = [&]() noexcept {
    for (std::size_t i = moved.size(); i-- > 0;) {
      const Entry& entry = entries_[i];
      const std::filesystem::path target = dir_ / entry.name;
      if (moved[i] == Moved::exchanged) {
        ::renameat2(AT_FDCWD, entry.temp.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE);
      } else {
        ::unlink(target.c_str());
      }
    }
  };
  for (Entry& entry : entries_) {
    const std::filesystem::path target = dir_ / entry.name;
    if (::renameat2(AT_FDCWD, entry.temp.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
      moved.push_back(Moved::exchanged);  // the previous output now sits at entry.temp
      continue;
    }
    int err = errno;
    if (err == ENOENT || err == EINVAL || err == ENOSYS || err == EOPNOTSUPP) {
      // No previous target (ENOENT), or no RENAME_EXCHANGE here: a plain atomic rename.
      if (::rename(entry.temp.c_str(), target.c_str()) == 0) {
        moved.push_back(Moved::renamed);
        entry.temp_exists = false;
        continue;
      }
      err = errno;
    }
    undo();
    throw FatalError("rename of " + entry.temp.string() + " to " + target.string() +
                     " failed: " + error_text(err));
  }
  // Every target is new now; what sits at the temp names of exchanged files is the old data.
  remove_temps();
  committed_ = true;
  fsync_dir(dir_);
}

std::size_t sweep_stale_temp_files(const std::filesystem::path& dir) {
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& item : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = item.path().filename().string();
    pid_t pid = temp_file_pid(name);
    if (pid == 0) continue;
    std::error_code type_ec;
    if (!item.is_regular_file(type_ec)) continue;
    if (pid != ::getpid() && (::kill(pid, 0) == 0 || errno != ESRCH)) {
      continue;  // alive (EPERM: another user's live process)
    }
    if (::unlink(item.path().c_str()) == 0) ++removed;
  }
  return removed;
}

void check_output_dir(const std::filesystem::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    int err = errno;
    if (err == ENOENT) throw FatalError("output directory " + dir.string() + " does not exist");
    throw FatalError("cannot access output directory " + dir.string() + ": " + error_text(err));
  }
  if (!S_ISDIR(st.st_mode)) {
    throw FatalError("output directory " + dir.string() + " is not a directory");
  }
  const std::filesystem::path probe = dir / temp_file_name("write-probe");
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    int err = errno;
    throw FatalError("cannot create files in output directory " + dir.string() + ": " +
                     error_text(err));
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

}  // namespace qi::output
