#include "jobs/pull_job.hpp"

#include "common/log.hpp"
#include "jobs/publish_step.hpp"
#include "jobs/reference_checks.hpp"
#include "output/publication.hpp"

namespace qi::jobs {

namespace {

// The job's files opened for writing, headers written: the published ones in the publication,
// the base-only ones in segments.
struct OpenFiles {
  std::vector<output::CsvWriter> base_only;
  std::vector<output::CsvWriter*> writers;
  std::vector<output::CsvWriter::Mark> after_header;
};

OpenFiles open_files(const std::vector<JobFile>& files, output::Publication& publication,
                     const output::CsvDialect& dialect) {
  OpenFiles open;
  open.base_only.reserve(files.size());  // the writers' addresses must stay put
  for (const auto& file : files) {
    auto* writer = file.published ? &publication.writer(file.name)
                                  : &open.base_only.emplace_back(output::CsvWriter::create_segment(
                                        publication.dir(), dialect));
    writer->write_header(file.header);
    open.after_header.push_back(writer->mark());
    open.writers.push_back(writer);
  }
  return open;
}

// Merges the changed rows of every file with its base copy into the job's writers.
void merge_changes(PullJob& job, const PullRun& run, const std::vector<JobFile>& files,
                   const Changes& changes, PullOutput changed, PullOutput writers) {
  std::vector<MergeTarget> targets;
  for (std::size_t i = 0; i < files.size(); ++i) {
    targets.push_back({files[i].name, changed[i], writers[i], job.merged_rows_of(i)});
  }
  merge_into(run.base, targets, changes.replaced, changes.present ? &*changes.present : nullptr);
}

}  // namespace

asio::awaitable<JobResult> run_pull_job(JobEnvironment& env, JobKind kind, PullJob& job) {
  JobResult result;
  result.kind = kind;
  JobCalls calls(env.session, env.context, result, env.progress, env.on_progress);
  const std::string name(job_name(kind));
  const auto& output_dir = env.config.output.dir;
  const auto dialect = dialect_of(env.config);

  co_await job.start(calls);
  const IncrementalBase base(env.config, kind);
  IncrementalPlan plan = base.plan(env.started, env.full);
  const PullRun run{plan, base};
  log::info(name + ": " + plan.reason, {{"JOB", name}, {"RUN_ID", env.context.run_id}});

  const auto files = job.files();
  std::vector<std::string> published_names;
  for (const auto& file : files) {
    if (file.published) published_names.emplace_back(file.name);
  }
  output::Publication publication(output_dir, published_names, dialect);
  tap_for_publishing(publication);
  auto open = open_files(files, publication, dialect);
  const PullOutput writers = open.writers;

  // An incremental pull collects the changed rows apart and merges them into the base after.
  std::vector<output::CsvWriter> changed_segments;
  std::vector<output::CsvWriter*> changed;
  if (plan.incremental) {
    changed_segments.reserve(files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
      changed.push_back(
          &changed_segments.emplace_back(output::CsvWriter::create_segment(output_dir, dialect)));
    }
    co_await job.pull(calls, run, changed);
    const Changes changes = co_await job.changes(calls, run);
    merge_changes(job, run, files, changes, changed, writers);
    // Deleted records only leave at a full pull; when they (or anything else) put the merged
    // files outside the job's checks, everything is pulled now instead.
    if (const auto problem = job.merged_problem(writers)) {
      log::info(name + ": the incremental result has " + *problem + "; pulling everything instead",
                {{"JOB", name}, {"RUN_ID", env.context.run_id}});
      for (std::size_t i = 0; i < files.size(); ++i) writers[i]->rollback(open.after_header[i]);
      changed.clear();
      plan =
          IncrementalPlan{false, "full pull (after the incremental merge: " + *problem + ")", ""};
    }
  }
  if (!plan.incremental) co_await job.pull(calls, run, writers);

  std::vector<IncrementalBase::Source> base_files;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& file = files[i];
    if (file.published) {
      result.files.push_back(describe_file(file.name, *writers[i]));
      base_files.push_back({std::string(file.name), output_dir / file.name, nullptr});
    } else {
      base_files.push_back({std::string(file.name), {}, writers[i]});
    }
  }
  publish_checked(env, publication, result.files, result);
  for (const auto& record : job.after_publishing(run, result)) {
    save_after_publishing(env, result, record.what, record.save, record.forget);
  }
  save_after_publishing(env, result, "the incremental base", [&] {
    base.save(base_files, env.started, !plan.incremental, env.context.run_id);
  });
  result.summary =
      job.summary({plan.incremental, plan.changed_after, writers, changed, result.pages});
  co_return result;
}

}  // namespace qi::jobs
