// Small pieces the jobs share: the output dialect, window workers, a job's counted calls to
// Qualys with its progress reports, and a buffered body for small answers.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "jobs/job.hpp"
#include "output/csv_writer.hpp"
#include "qualys/qualys_session.hpp"
#include "qualys/requests.hpp"

namespace qi::jobs {

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

// One job run's way to Qualys: the shared session, the run's CallContext (deadline, job name
// and run id for logs), and what the job reports of its calls: its own call, byte and page
// counters (the session's mix concurrent jobs) and the live progress (systemd STATUS=, the
// runner's 30 s progress log, also while a page is slow to come).
class JobCalls {
 public:
  JobCalls(qualys::QualysSession& session, const qualys::CallContext& context, JobResult& result,
           JobProgress& progress, const std::function<void(const JobProgress&)>& on_progress)
      : session_(session),
        context_(context),
        result_(result),
        progress_(progress),
        on_progress_(on_progress) {}

  const qualys::QualysSession& session() const { return session_; }
  const qualys::CallContext& context() const { return context_; }

  // One attempt of an API v2 or gateway call, its body counted on the way to `consumer`.
  asio::awaitable<void> post_v2(const qualys::Request& request, qualys::BodyConsumer& consumer);
  asio::awaitable<unsigned> post_gateway(const qualys::Request& request,
                                         qualys::BodyConsumer& consumer);

  // Runs `attempt` under the session's retry policy; `description` names the call in logs.
  asio::awaitable<void> with_retries(const std::string& description,
                                     const qualys::Attempt& attempt);

  // A page (or window) is in: counted in the result's pages.
  void count_page() { ++result_.pages; }

  // Records a finished page or window in the live progress and tells the listener.
  void report(std::uint64_t rows, std::string stage);

 private:
  qualys::QualysSession& session_;
  const qualys::CallContext& context_;
  JobResult& result_;
  JobProgress& progress_;
  const std::function<void(const JobProgress&)>& on_progress_;
};

PublishedFile describe_file(std::string_view name, const output::CsvWriter& writer);

}  // namespace qi::jobs
