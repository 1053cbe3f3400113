// Small pieces the three jobs share: headers, buffered consumers, progress reporting.
#pragma once

#include <array>
#include <chrono>
#include <string>
#include <utility>

#include "jobs/job.hpp"
#include "output/csv_writer.hpp"
#include "output/publication.hpp"
#include "qualys/qualys_session.hpp"

namespace qi::jobs {

template <std::size_t N>
void write_header(output::CsvWriter& writer, const std::array<std::string_view, N>& header) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    writer.write_header({header[I]...});
  }
  (std::make_index_sequence<N>{});
}

output::CsvDialect dialect_of(const config::Config& config);

// How many windows (KB QID ranges, detection host-ID ranges) a job keeps in flight: the
// qualys.max_concurrency ceiling; the rate governor also holds them to X-Concurrency-Limit-Limit
// and to what the other jobs of the process are using.
std::size_t window_workers(const config::Config& config);

// Keeps a small response body (CSAM count) in memory.
class BufferedBody final : public qualys::BodyConsumer {
 public:
  void feed(std::string_view bytes) override;
  void finish() override {}
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// Records a finished page or window in the job's live progress and tells the listener (systemd
// STATUS=). The runner logs the live progress every 30 s, also while a page is slow to come.
class ProgressReporter {
 public:
  explicit ProgressReporter(JobEnvironment& env) : env_(env) {}
  void update(std::uint64_t rows, std::string stage);

 private:
  JobEnvironment& env_;
};

// Counts one job's API calls and body bytes (the session's own counters mix concurrent jobs).
class CountingConsumer final : public qualys::BodyConsumer {
 public:
  CountingConsumer(qualys::BodyConsumer& inner, JobResult& result, JobProgress& progress)
      : inner_(inner), result_(result), progress_(progress) {
    ++result_.api_calls;
  }
  void feed(std::string_view bytes) override {
    result_.api_bytes += bytes.size();
    progress_.bytes += bytes.size();
    inner_.feed(bytes);
  }
  void finish() override { inner_.finish(); }
  const std::optional<qualys::SimpleReturn>* simple_return() const override {
    return inner_.simple_return();
  }

 private:
  qualys::BodyConsumer& inner_;
  JobResult& result_;
  JobProgress& progress_;
};

PublishedFile describe_file(std::string_view name, const output::CsvWriter& writer);

}  // namespace qi::jobs
