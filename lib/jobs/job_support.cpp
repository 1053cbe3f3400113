#include "jobs/job_support.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace qi::jobs {

namespace {

// Counts one job's API calls and body bytes on their way to the parser.
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

}  // namespace

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

asio::awaitable<void> JobCalls::post_v2(const qualys::Request& request,
                                        qualys::BodyConsumer& consumer) {
  CountingConsumer counting(consumer, result_, progress_);
  co_await session_.post_v2(context_, request.target, request.body, counting);
}

asio::awaitable<unsigned> JobCalls::post_gateway(const qualys::Request& request,
                                                 qualys::BodyConsumer& consumer) {
  CountingConsumer counting(consumer, result_, progress_);
  co_return co_await session_.post_gateway(context_, request.target, request.body, counting);
}

asio::awaitable<void> JobCalls::with_retries(const std::string& description,
                                             const qualys::Attempt& attempt) {
  co_await qualys::run_with_retries(context_, session_.retry_policy(), description, attempt);
}

void JobCalls::report(std::uint64_t rows, std::string stage) {
  ++progress_.pages;
  progress_.rows = rows;
  progress_.stage = std::move(stage);
  progress_.waiting = session_.governor().waiting();
  on_progress_(progress_);
}

PublishedFile describe_file(std::string_view name, const output::CsvWriter& writer) {
  return PublishedFile{std::string(name), writer.rows(), writer.bytes()};
}

}  // namespace qi::jobs
