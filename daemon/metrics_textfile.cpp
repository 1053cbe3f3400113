#include "metrics_textfile.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "output/atomic_file.hpp"
#include "output/file_descriptor.hpp"

namespace qi::daemon {

namespace {

std::filesystem::path directory_of(const std::filesystem::path& textfile) {
  return textfile.has_parent_path() ? textfile.parent_path() : std::filesystem::path(".");
}

}  // namespace

std::optional<std::string> metrics_textfile_problem(const std::filesystem::path& textfile) {
  const auto dir = directory_of(textfile);
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    return "directory " + dir.string() +
           " does not exist (node_exporter's textfile directory, e.g. "
           "/var/lib/prometheus/node-exporter)";
  }
  if (!std::filesystem::is_directory(dir, ec)) return dir.string() + " is not a directory";
  if (std::filesystem::is_directory(textfile, ec)) return textfile.string() + " is a directory";
  auto probe = (dir / ".qualys-insightd-probe-XXXXXX").string();
  const int fd = ::mkstemp(probe.data());
  if (fd < 0) {
    return "cannot create files in " + dir.string() + " (" + std::strerror(errno) +
           "); under systemd it must be in ReadWritePaths=";
  }
  output::FileDescriptor owner(fd);
  ::unlink(probe.c_str());
  return std::nullopt;
}

bool write_metrics_textfile(const std::filesystem::path& textfile, std::string_view text) {
  if (textfile.empty()) return false;
  const auto dir = directory_of(textfile);
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    spdlog::warn("metrics.textfile {} not written: directory {} does not exist", textfile.string(),
                 dir.string());
    return false;
  }
  try {
    output::replace_file_atomically(textfile, text, output::kPublishedFileMode);
    return true;
  } catch (const std::exception& error) {
    spdlog::warn("metrics.textfile not written: {}", error.what());
    return false;
  }
}

void MetricsTextfile::configure(const config::Config& config, std::uint64_t config_generation) {
  textfile_ = config.metrics.textfile;
  std::error_code ec;
  const auto source = std::filesystem::absolute(config.source, ec);
  source_ = {(ec ? config.source : source).string(), QI_VERSION, config_generation};
}

void MetricsTextfile::seed(const config::Config& config) {
  try {
    book_.seed(state::read_state(config.state.dir / "state.json"));
  } catch (const std::exception& error) {
    spdlog::debug("metrics without the daemon's record: {}", error.what());
  }
  book_.seed(output::read_manifest(config.output.dir));
}

void MetricsTextfile::started(jobs::JobKind kind, JobMetrics::Time when) {
  book_.started(kind, when);
  write();
}

void MetricsTextfile::finished(const jobs::RunOutcome& outcome) {
  book_.finished(outcome);
  write();
}

void MetricsTextfile::write() const {
  if (textfile_.empty()) return;
  write_metrics_textfile(textfile_, metrics_text(book_.jobs(), source_));
}

}  // namespace qi::daemon
