#include "jobs/job_support.hpp"

#include <spdlog/spdlog.h>

#include "common/error.hpp"

namespace qi::jobs {

output::CsvDialect dialect_of(const config::Config& config) {
  output::CsvDialect dialect;
  dialect.double_backslashes = config.output.double_backslashes;
  return dialect;
}

void BufferedBody::feed(std::string_view bytes) {
  if (text_.size() + bytes.size() > (1u << 20)) {
    throw FatalError("response larger than 1 MiB where a small JSON document was expected");
  }
  text_.append(bytes);
}

ProgressReporter::ProgressReporter(JobEnvironment& env, std::chrono::seconds interval)
    : env_(env), interval_(interval), last_log_(std::chrono::steady_clock::now()) {}

void ProgressReporter::update(std::uint64_t rows, std::string stage, std::uint64_t bytes) {
  ++progress_.pages;
  progress_.rows = rows;
  progress_.bytes = bytes;
  progress_.stage = std::move(stage);
  env_.on_progress(progress_);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_log_ >= interval_) {
    last_log_ = now;
    spdlog::info("{}: progress: {} pages, {} rows, {} bytes received; at {}", env_.context.job,
                 progress_.pages, progress_.rows, progress_.bytes, progress_.stage);
  }
}

PublishedFile describe_file(std::string_view name, const output::CsvWriter& writer) {
  return PublishedFile{std::string(name), writer.rows(), writer.bytes()};
}

}  // namespace qi::jobs
