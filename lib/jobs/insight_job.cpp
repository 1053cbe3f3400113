#include "jobs/insight_job.hpp"

#include <fmt/format.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/error.hpp"
#include "common/log.hpp"
#include "insight/import_set.hpp"
#include "state/insight_record.hpp"
#include "state/state_dir.hpp"

namespace qi::jobs {

std::string insight_target(const config::InsightConfig& config) {
  switch (config.mode) {
    case config::InsightMode::datacenter:
      return "datacenter " + config.url;
    case config::InsightMode::cloud:
      return "cloud " + config.cloud.info_url;
    case config::InsightMode::off:
      break;
  }
  return "off";
}

namespace {

std::string short_id(const std::string& id) {
  return id.substr(0, 12);
}

state::ImportRecord record_of(const insight::ImportSet& set, const JobEnvironment& env) {
  state::ImportRecord record;
  record.set_id = set.id;
  record.target = insight_target(env.config.insight);
  record.run_id = env.context.run_id;
  record.finished =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  for (const auto& file : set.files) {
    record.files.push_back({file.name, file.sha256, file.rows, file.bytes});
  }
  return record;
}

void add_report(state::ImportRecord& record, const insight::ImportReport& report) {
  record.summary = report.summary;
  for (const auto& count : report.counts) {
    record.counts.push_back({count.what, count.status, count.result, count.message, count.created,
                             count.updated, count.failed});
  }
}

// The record as it was; a damaged one is logged and taken as empty (it only saves a re-import).
state::InsightRecord read_record(const JobEnvironment& env, const std::filesystem::path& file) {
  try {
    return state::read_insight_record(file);
  } catch (const std::exception& error) {
    log::warn(fmt::format("{}: {}; importing as if no set had been imported", env.context.job,
                          error.what()),
              {{"JOB", env.context.job}, {"RUN_ID", env.context.run_id}});
    return {};
  }
}

void log_info(const JobEnvironment& env, const std::string& text) {
  log::info(fmt::format("{}: {}", env.context.job, text),
            {{"JOB", env.context.job}, {"RUN_ID", env.context.run_id}});
}

// The run's attempts at one consistent import, and what each wrote into the record.
class InsightRun {
 public:
  explicit InsightRun(JobEnvironment& env)
      : env_(env),
        record_file_(state::StateDir(env.config.state.dir).insight_record()),
        record_(read_record(env, record_file_)) {}

  asio::awaitable<JobResult> run() {
    for (int attempt = 1;; ++attempt) {
      auto found = insight::check_published_set(env_.config.output.dir);
      if (found.nothing_published) {
        throw FatalError("nothing to import: " + found.mismatch + "; run the Qualys jobs first");
      }
      if (!found.set) {
        if (attempt == 1) {
          co_await start_over(found.mismatch);
          continue;
        }
        throw FatalError(found.mismatch + " (a publication under way, or one interrupted before " +
                         "its manifest was written, which the next start repairs); nothing " +
                         "imported");
      }
      if (auto skipped = already_imported(found.set->set)) co_return *skipped;
      auto report = co_await import(found.set->set);
      const auto changed = insight::recheck_set(env_.config.output.dir, *found.set);
      if (changed.empty()) co_return succeeded(found.set->set, report);
      const auto what = changed + "; the import may have read two publications mixed";
      record_failure(found.set->set, what);
      if (attempt == 1) {
        log::warn(fmt::format("{}: {}: starting over with the new files", env_.context.job, what),
                  {{"JOB", env_.context.job}, {"RUN_ID", env_.context.run_id}});
        continue;
      }
      throw FatalError(what + ", twice; publications keep coming: the next run imports again");
    }
  }

 private:
  asio::awaitable<void> start_over(const std::string& mismatch) {
    log_info(env_, fmt::format("{}; looking again in {} ms", mismatch,
                               env_.insight->start_over_delay.count()));
    asio::steady_timer timer(co_await asio::this_coro::executor, env_.insight->start_over_delay);
    co_await timer.async_wait(asio::use_awaitable);
  }

  std::optional<JobResult> already_imported(const insight::ImportSet& set) const {
    const auto& last = record_.last_success;
    if (!last || last->set_id != set.id || last->target != insight_target(env_.config.insight)) {
      return std::nullopt;
    }
    if (env_.force) {
      log_info(env_, fmt::format("set {} was imported by run {}; importing it again (--force)",
                                 short_id(set.id), last->run_id));
      return std::nullopt;
    }
    JobResult result;
    result.kind = JobKind::insight;
    result.summary = fmt::format(
        "nothing new: set {} was imported by run {}{} (`run --force insight` imports it again)",
        short_id(set.id), last->run_id,
        last->finished ? " at " + state::format_time(*last->finished) : std::string());
    log_info(env_, result.summary);
    return result;
  }

  asio::awaitable<insight::ImportReport> import(const insight::ImportSet& set) {
    std::string files;
    for (const auto& file : set.files) {
      files += fmt::format("{}{} ({} rows, SHA-256 {}…)", files.empty() ? "" : ", ", file.name,
                           file.rows, file.sha256.substr(0, 12));
    }
    log_info(env_, fmt::format("importing set {} into {}: {}", short_id(set.id),
                               insight_target(env_.config.insight), files));
    insight::ImportEnvironment import_env{
        .transport = env_.insight->transport,
        .config = env_.config.insight,
        .context = env_.context,
        .state_dir = env_.config.state.dir,
        .double_backslashes = env_.config.output.double_backslashes,
        .extra_columns = env_.config.output.extra_columns,
        .on_progress = [this](std::string_view stage) {
          env_.progress.stage = std::string(stage);
          env_.on_progress(env_.progress);
        }};
    std::exception_ptr failure;
    try {
      co_return co_await env_.insight->importer.import(set, import_env);
    } catch (...) {
      failure = std::current_exception();
    }
    // Recorded before the run's end is logged: the record says which set failed.
    record_failure(set, failure_text(failure), was_cancelled(failure));
    std::rethrow_exception(failure);
  }

  static bool was_cancelled(const std::exception_ptr& failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const boost::system::system_error& error) {
      return error.code() == asio::error::operation_aborted;
    } catch (...) {
      return false;
    }
  }

  static std::string failure_text(const std::exception_ptr& failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const boost::system::system_error& error) {
      if (error.code() == asio::error::operation_aborted) {
        return "cancelled during the import (its timeout, or a stop)";
      }
      return error.what();
    } catch (const std::exception& error) {
      return error.what();
    } catch (...) {
      return "unknown error";
    }
  }

  // A cancelled import (its deadline, a stop) is recorded as cancelled: the record cannot tell
  // which, and the run's own result in state.json says.
  void record_failure(const insight::ImportSet& set, const std::string& error,
                      bool cancelled = false) {
    auto attempt = record_of(set, env_);
    attempt.result = cancelled ? state::RunResult::cancelled : state::RunResult::failed;
    attempt.error = error;
    record_.last_attempt = std::move(attempt);
    try {
      state::write_insight_record(record_file_, record_);
    } catch (const std::exception& save_error) {
      log::error(fmt::format("{}: could not record the failed import: {}", env_.context.job,
                             save_error.what()),
                 {{"JOB", env_.context.job}, {"RUN_ID", env_.context.run_id}});
    }
  }

  JobResult succeeded(const insight::ImportSet& set, const insight::ImportReport& report) {
    JobResult result;
    result.kind = JobKind::insight;
    result.summary = fmt::format("set {} imported: {}", short_id(set.id), report.summary);
    auto done = record_of(set, env_);
    done.result = state::RunResult::succeeded;
    add_report(done, report);
    record_.last_attempt = done;
    record_.last_success = std::move(done);
    try {
      state::write_insight_record(record_file_, record_);
    } catch (const std::exception& error) {
      // Imported: the run says so, and that the next one will import the same set again.
      result.state_not_saved.push_back(
          fmt::format("{} not saved: {}; the next run imports this set again",
                      record_file_.filename().string(), error.what()));
    }
    for (const auto& count : report.counts) {
      log_info(env_, fmt::format("{}: {}{}{}{}", count.what, count.status,
                                 count.result.empty() ? "" : " " + count.result,
                                 count.message.empty() ? "" : " (" + count.message + ")",
                                 counts_text(count)));
    }
    return result;
  }

  static std::string counts_text(const insight::ImportCount& count) {
    std::string text;
    auto add = [&](const char* what, const std::optional<std::int64_t>& value) {
      if (value) text += fmt::format("{}{} {}", text.empty() ? ": " : ", ", *value, what);
    };
    add("created", count.created);
    add("updated", count.updated);
    add("failed", count.failed);
    return text;
  }

  JobEnvironment& env_;
  std::filesystem::path record_file_;
  state::InsightRecord record_;
};

}  // namespace

asio::awaitable<JobResult> run_insight_job(JobEnvironment& env) {
  if (env.insight == nullptr) {
    throw FatalError("insight.mode is off: no way to Jira; nothing imported");
  }
  InsightRun run(env);
  co_return co_await run.run();
}

}  // namespace qi::jobs
