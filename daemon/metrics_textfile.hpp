// metrics.textfile: the file node_exporter's textfile collector reads, replaced whole (temp file
// and rename in its directory, mode 0644) so a scrape never sees half of it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "job_metrics.hpp"

namespace qi::daemon {

// Why the daemon could not keep `textfile` up to date, for `check`: its directory is missing or
// no directory, or we cannot create files in it; or `textfile` is a directory. Probes by
// creating and removing a temp file. nullopt when it is usable.
std::optional<std::string> metrics_textfile_problem(const std::filesystem::path& textfile);

// Replaces `textfile` with `text`; nothing when `textfile` is empty (metrics off). A missing
// directory is not created (it is node_exporter's). A failure is logged as a warning and
// otherwise ignored: metrics never stop a job. Returns whether the file was written.
bool write_metrics_textfile(const std::filesystem::path& textfile, std::string_view text);

// The metrics of one process (`run` or the daemon), rewritten to metrics.textfile at start and
// whenever a run starts or ends.
class MetricsTextfile {
 public:
  // The file (metrics.textfile; none: metrics off) and the configuration from now on; the
  // daemon calls it again on a reload.
  void configure(const config::Config& config, std::uint64_t config_generation);
  // What state.json and manifest.json say of earlier runs; a file that cannot be read only costs
  // its figures (logged at debug level).
  void seed(const config::Config& config);

  void started(jobs::JobKind kind, JobMetrics::Time when);
  void finished(const jobs::RunOutcome& outcome);
  void write() const;

 private:
  std::filesystem::path textfile_;
  MetricsSource source_;
  JobMetricsBook book_;
};

}  // namespace qi::daemon
