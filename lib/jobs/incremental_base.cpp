#include "jobs/incremental_base.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "output/atomic_file.hpp"
#include "output/file_copy.hpp"
#include "output/file_descriptor.hpp"
#include "state/job_lock.hpp"
#include "state/state_dir.hpp"
#include "state/state_file.hpp"

namespace qi::jobs {
namespace {

using std::chrono::floor;
using std::chrono::seconds;

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::string format(IncrementalBase::Time time) {
  return state::format_time(floor<seconds>(time));
}

void copy_file_durably(const IncrementalBase::Source& from, const std::filesystem::path& to) {
  output::FileDescriptor in;
  std::uint64_t length = 0;
  int in_fd = -1;
  if (from.writer) {
    from.writer->flush();
    in_fd = from.writer->fd();
    length = from.writer->bytes();
  } else {
    in = output::FileDescriptor(::open(from.path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in.valid()) {
      throw FatalError("cannot open " + from.path.string() + ": " + std::strerror(errno));
    }
    struct stat info {};
    if (::fstat(in.get(), &info) != 0) {
      throw FatalError("cannot read " + from.path.string() + ": " + std::strerror(errno));
    }
    in_fd = in.get();
    length = static_cast<std::uint64_t>(info.st_size);
  }
  output::FileDescriptor out(
      ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, output::kPrivateFileMode));
  if (!out.valid() || ::fchmod(out.get(), output::kPrivateFileMode) != 0) {
    throw FatalError("cannot create " + to.string() + ": " + std::strerror(errno));
  }
  output::append_file_contents(in_fd, length, out.get(), to);
  if (::fsync(out.get()) != 0) {
    throw FatalError("cannot sync " + to.string() + ": " + std::strerror(errno));
  }
}

void sync_directory(const std::filesystem::path& dir) {
  output::FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.valid()) (void)::fsync(fd.get());
}

std::string output_settings_before_extra_columns(const config::Config& config, JobKind kind) {
  const auto& jobs = config.jobs;
  std::string settings = fmt::format("{}\n{}\n{}\n{}\n", job_name(kind), config.qualys.api_url,
                                     config.qualys.gateway_url, config.output.double_backslashes);
  switch (kind) {
    case JobKind::assets:
      return settings + jobs.assets.filter_json;
    case JobKind::kb:
      return settings + jobs.kb.api_version + "\n" + jobs.kb.details;
    case JobKind::vm:
      return settings + fmt::format("{}\n{}\n{}\n{}\n{}\n{}", jobs.vm.api_version, jobs.vm.status,
                                    jobs.vm.show_igs, jobs.vm.severities, jobs.vm.include_ignored,
                                    jobs.vm.include_disabled);
    case JobKind::insight:  // pulls nothing, so has no base
      break;
  }
  return settings;
}

// The extra columns of the job's files, "" when none (so that a base made before extra columns
// existed stays a base).
std::string extra_columns_of(const config::Config& config, JobKind kind) {
  const auto& chosen = config.output.extra_columns;
  config::ExtraColumns mine;
  switch (kind) {
    case JobKind::assets:
      mine.assets = chosen.assets;
      break;
    case JobKind::kb:
      mine.vulnkb = chosen.vulnkb;
      mine.cve = chosen.cve;
      break;
    case JobKind::vm:
      mine.vm = chosen.vm;
      break;
    case JobKind::insight:  // pulls nothing, so has no base
      break;
  }
  const std::string text = config::selection_text(mine);
  return text.empty() ? text : "\nextra columns\n" + text;
}

// Every setting that shapes a job's rows: when one changes, the base is not a base any more. The
// extra columns are among them: a base made with other columns has other rows.
std::string output_settings(const config::Config& config, JobKind kind) {
  return output_settings_before_extra_columns(config, kind) + extra_columns_of(config, kind);
}

}  // namespace

IncrementalBase::IncrementalBase(const config::Config& config, JobKind kind)
    : schedule_(schedule_of(config, kind)),
      job_(job_name(kind)),
      base_root_(state::StateDir(config.state.dir).bases()),
      fingerprint_(sha256_hex(output_settings(config, kind))) {
  meta_ = read_meta();
}

std::string IncrementalBase::describe() const {
  if (schedule_.full_refresh.count() == 0) {
    return "every run is a full pull (jobs." + job_ + ".full_refresh is 0)";
  }
  if (!meta_) return "no incremental base yet: the next run is a full pull";
  if (meta_->fingerprint != fingerprint_) {
    return "the settings changed since the base was made: the next run is a full pull";
  }
  return "incremental base from the run started " + format(meta_->run_started) +
         "; last full pull " + format(meta_->last_full) + ", the next one after " +
         format(meta_->last_full + schedule_.full_refresh);
}

std::optional<IncrementalBase::Meta> IncrementalBase::read_meta() const {
  std::ifstream in(base_root_ / (job_ + ".meta"));
  if (!in) return std::nullopt;
  Meta meta;
  std::optional<state::Time> started;
  std::optional<state::Time> full;
  std::string key;
  std::string value;
  while (in >> key >> value) {
    if (key == "dir") meta.dir = value;
    if (key == "run_started") started = state::parse_time(value);
    if (key == "last_full") full = state::parse_time(value);
    if (key == "fingerprint") meta.fingerprint = value;
  }
  if (meta.dir.empty() || meta.dir.find('/') != std::string::npos || !started || !full) {
    return std::nullopt;
  }
  meta.run_started = *started;
  meta.last_full = *full;
  return meta;
}

IncrementalPlan IncrementalBase::plan(Time now, bool full_requested) const {
  IncrementalPlan plan;
  if (schedule_.full_refresh.count() == 0) {
    plan.reason = "full pull (jobs." + job_ + ".full_refresh is 0)";
  } else if (full_requested) {
    plan.reason = "full pull (asked for with --full)";
  } else if (!meta_) {
    plan.reason = "full pull (no earlier publication to build on)";
  } else if (meta_->fingerprint != fingerprint_) {
    plan.reason = "full pull (settings that shape the output changed since the last one)";
  } else if (now - meta_->last_full >= schedule_.full_refresh || now < meta_->last_full) {
    plan.reason = "full pull (the last one was at " + format(meta_->last_full) + "; jobs." + job_ +
                  ".full_refresh)";
  } else if (!std::filesystem::is_directory(base_root_ / meta_->dir)) {
    plan.reason = "full pull (the base " + (base_root_ / meta_->dir).string() + " is missing)";
  } else {
    plan.incremental = true;
    plan.changed_after = format(meta_->run_started - schedule_.incremental_margin);
    plan.reason = "incremental pull of what changed after " + plan.changed_after +
                  " (last full pull " + format(meta_->last_full) + ")";
  }
  return plan;
}

std::filesystem::path IncrementalBase::file(std::string_view name) const {
  return base_root_ / (meta_ ? meta_->dir : std::string()) / std::string(name);
}

void IncrementalBase::save(const std::vector<Source>& files, Time run_started, bool full,
                           const std::string& run_id) const {
  try {
    save_or_throw(files, run_started, full, run_id);
  } catch (const std::exception& error) {
    drop();
    throw FatalError(fmt::format(
        "could not keep this publication for incremental pulls in {} ({}); the next run pulls "
        "everything",
        base_root_.string(), error.what()));
  }
}

std::size_t IncrementalBase::sweep_unnamed() const noexcept {
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(base_root_, ec)) {
    const auto name = entry.path().filename().string();
    std::error_code type_ec;
    if (!entry.is_directory(type_ec) || !name.starts_with(job_ + "-")) continue;
    if (meta_ && meta_->dir == name) continue;
    std::error_code ignored;
    if (std::filesystem::remove_all(entry.path(), ignored) > 0) ++removed;
  }
  return removed;
}

void IncrementalBase::save_or_throw(const std::vector<Source>& files, Time run_started, bool full,
                                    const std::string& run_id) const {
  // A directory of its own, never the one the meta file names now.
  std::string dir_name = job_ + "-" + run_id;
  for (int n = 2;
       std::filesystem::exists(base_root_ / dir_name) || (meta_ && meta_->dir == dir_name); ++n) {
    dir_name = job_ + "-" + run_id + "-" + std::to_string(n);
  }
  const auto dir = base_root_ / dir_name;
  // Until the meta file names it, the new directory is only in the way: a save that fails
  // half-way (a full state.dir) removes it rather than leave a partial copy taking the space.
  struct RemovedUnlessNamed {
    std::filesystem::path dir;
    bool named = false;
    ~RemovedUnlessNamed() {
      std::error_code ignored;
      if (!named) std::filesystem::remove_all(dir, ignored);
    }
  } new_base{dir};
  output::create_private_directories(dir);
  for (const auto& file : files) copy_file_durably(file, dir / file.name);
  sync_directory(dir);
  const Time last_full = full || !meta_ ? run_started : meta_->last_full;
  const std::string meta = "dir " + dir_name + "\nrun_started " + format(run_started) +
                           "\nlast_full " + format(last_full) + "\nfingerprint " + fingerprint_ +
                           "\n";
  output::replace_file_atomically(base_root_ / (job_ + ".meta"), meta, output::kPrivateFileMode);
  new_base.named = true;
  // Older bases of this job are no longer named by the meta file.
  for (const auto& entry : std::filesystem::directory_iterator(base_root_)) {
    const auto name = entry.path().filename().string();
    if (entry.is_directory() && name != dir_name && name.starts_with(job_ + "-")) {
      std::error_code ignored;
      std::filesystem::remove_all(entry.path(), ignored);
    }
  }
}

void IncrementalBase::drop() const noexcept {
  std::error_code ignored;
  std::filesystem::remove(base_root_ / (job_ + ".meta"), ignored);
}

void merge_into(const IncrementalBase& base, const std::vector<MergeTarget>& targets,
                const IdSet& replaced, const IdSet* present) {
  try {
    for (const auto& target : targets) {
      merge_by_key({base.file(target.name), target.changed}, replaced, *target.out, target.on_row,
                   present);
    }
  } catch (const FatalError& error) {
    base.drop();
    throw FatalError(std::string(error.what()) +
                     "; the incremental base is dropped, the next run pulls everything");
  }
}

std::size_t sweep_unnamed_bases(const config::Config& config) noexcept {
  std::size_t removed = 0;
  if (!std::filesystem::is_directory(state::StateDir(config.state.dir).bases())) return 0;
  for (const auto kind : kPullJobs) {
    try {
      // A run of the job elsewhere may be writing its new base right now: leave it alone then.
      const auto lock =
          state::JobLock::try_acquire(config.state.dir, std::string(job_name(kind)), "start");
      if (lock) removed += IncrementalBase(config, kind).sweep_unnamed();
    } catch (const std::exception&) {
      // An unusable state.dir is reported by the run that needs it.
    }
  }
  return removed;
}

}  // namespace qi::jobs
