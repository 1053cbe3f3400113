#include "jobs/job_support.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace qi::jobs {

output::CsvDialect dialect_of(const config::Config& config) {
  output::CsvDialect dialect;
  dialect.double_backslashes = config.output.double_backslashes;
  return dialect;
}

std::size_t window_workers(const config::Config& config) {
  return static_cast<std::size_t>(std::max(1, config.qualys.max_concurrency));
}

void BufferedBody::feed(std::string_view bytes) {
  if (text_.size() + bytes.size() > (1u << 20)) {
    throw FatalError("response larger than 1 MiB where a small JSON document was expected");
  }
  text_.append(bytes);
}

void ProgressReporter::update(std::uint64_t rows, std::string stage) {
  ++env_.progress.pages;
  env_.progress.rows = rows;
  env_.progress.stage = std::move(stage);
  env_.progress.waiting = env_.session.governor().waiting();
  env_.on_progress(env_.progress);
}

PublishedFile describe_file(std::string_view name, const output::CsvWriter& writer) {
  return PublishedFile{std::string(name), writer.rows(), writer.bytes()};
}

}  // namespace qi::jobs
