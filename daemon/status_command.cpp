// `status [--json]`: what each job did last under the daemon, whether it needs attention, and
// what the output directory holds. The exit code is the monitoring answer (kExitAttention).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <iostream>

#include "commands.hpp"
#include "config/config_loader.hpp"
#include "job_health.hpp"
#include "jobs/incremental_base.hpp"
#include "jobs/job.hpp"
#include "output/json_fields.hpp"
#include "output/manifest.hpp"
#include "state/insight_record.hpp"
#include "state/state_dir.hpp"
#include "state/state_file.hpp"

namespace qi::daemon {

namespace {

struct JobReport {
  std::string name;
  config::JobSchedule schedule;
  const state::JobState* state = nullptr;  // null: state.json has no entry for the job
  JobHealth health;
  std::string incremental;
  // insight only: what <state.dir>/insight-import.json says (also of imports by `run`).
  std::optional<state::InsightRecord> imports;
};

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(JsonWriter& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_time(JsonWriter& w, const char* key, const std::optional<state::Time>& time) {
  w.Key(key);
  if (time)
    w.String(state::format_time(*time).c_str());
  else
    w.Null();
}

void write_last_run(JsonWriter& w, const state::JobState* job) {
  w.Key("last_run");
  if (job == nullptr || job->result == state::RunResult::never_run) {
    w.Null();
    return;
  }
  w.StartObject();
  write_string(w, "id", job->run_id);
  write_time(w, "scheduled", job->last_scheduled);
  write_time(w, "started", job->started);
  write_time(w, "finished", job->finished);
  write_string(w, "result", std::string(state::run_result_name(job->result)));
  write_string(w, "error", job->error);
  w.EndObject();
}

void write_import(JsonWriter& w, const char* key, const std::optional<state::ImportRecord>& run) {
  w.Key(key);
  if (!run) {
    w.Null();
    return;
  }
  w.StartObject();
  write_string(w, "set_id", run->set_id);
  write_string(w, "target", run->target);
  write_string(w, "run_id", run->run_id);
  write_string(w, "result", std::string(state::run_result_name(run->result)));
  write_string(w, "error", run->error);
  write_time(w, "finished", run->finished);
  write_string(w, "summary", run->summary);
  w.EndObject();
}

void write_imports(JsonWriter& w, const state::InsightRecord& record) {
  w.Key("import");
  w.StartObject();
  write_import(w, "last_attempt", record.last_attempt);
  write_import(w, "last_success", record.last_success);
  w.EndObject();
}

void write_job(JsonWriter& w, const JobReport& job) {
  w.StartObject();
  write_string(w, "name", job.name);
  w.Key("enabled");
  w.Bool(job.schedule.enabled);
  write_string(w, "schedule", job.schedule.schedule);
  write_string(w, "time_zone", job.schedule.time_zone);
  write_last_run(w, job.state);
  write_time(w, "last_success", job.state ? job.state->last_success : std::nullopt);
  // The files of the last successful run, as it published them.
  w.Key("published");
  w.StartArray();
  if (job.state) {
    for (const auto& f : job.state->files) output::write_file_figures(w, f);
  }
  w.EndArray();
  write_time(w, "next_firing", job.state ? job.state->next_firing : std::nullopt);
  w.Key("last_run_failed");
  w.Bool(job.health.last_run_failed);
  w.Key("overdue");
  w.Bool(job.health.overdue_firing.has_value());
  write_time(w, "overdue_since_firing", job.health.overdue_firing);
  w.Key("needs_attention");
  w.Bool(job.health.needs_attention());
  w.Key("reasons");
  w.StartArray();
  for (const auto& reason : job.health.reasons) w.String(reason.c_str());
  w.EndArray();
  write_string(w, "incremental", job.incremental);
  if (job.imports) write_imports(w, *job.imports);
  w.EndObject();
}

void write_manifest(JsonWriter& w, const output::Manifest& manifest) {
  w.Key("manifest");
  w.StartObject();
  for (const auto& [name, file] : manifest.files) {
    w.Key(name.c_str());
    w.StartObject();
    output::write_manifest_entry_fields(w, file);
    w.EndObject();
  }
  w.EndObject();
}

std::string status_json(const config::Config& config, const std::vector<JobReport>& jobs,
                        const output::Manifest& manifest, state::Time now, bool attention) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_string(w, "config", config.source.string());
  write_string(w, "state_dir", config.state.dir.string());
  write_string(w, "output_dir", config.output.dir.string());
  write_time(w, "now", now);
  w.Key("needs_attention");
  w.Bool(attention);
  w.Key("jobs");
  w.StartArray();
  for (const auto& job : jobs) write_job(w, job);
  w.EndArray();
  write_manifest(w, manifest);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

std::string status_text(const state::DaemonState& state, const std::vector<JobReport>& jobs) {
  std::string text = state::describe_state(state);
  text += "\nincremental pulls:\n";
  for (const auto& job : jobs) {
    if (!job.imports) text += "  " + job.name + ": " + job.incremental + "\n";
  }
  for (const auto& job : jobs) {
    if (job.imports) text += "\ninsight imports:\n" + state::describe_insight_record(*job.imports);
  }
  std::string attention;
  for (const auto& job : jobs) {
    for (const auto& reason : job.health.reasons)
      attention += "  " + job.name + ": " + reason + "\n";
  }
  if (!attention.empty()) text += "\nneeds attention:\n" + attention;
  return text;
}

}  // namespace

int status_command(const CommandLine& line) {
  auto config = config::load_config(line.config);
  const auto state = state::read_state(state::StateDir(config.state.dir).state_file());
  const auto now =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  std::vector<JobReport> jobs;
  bool attention = false;
  const state::StateDir state_dir(config.state.dir);
  for (const auto kind : jobs::configured_jobs(config)) {
    JobReport job;
    job.name = jobs::job_name(kind);
    job.schedule = jobs::schedule_of(config, kind);
    if (auto it = state.jobs.find(job.name); it != state.jobs.end()) job.state = &it->second;
    job.health = assess_job(job.schedule, job.state, now);
    if (jobs::job_definition(kind).pulls_from_qualys) {
      job.incremental = jobs::IncrementalBase(config, kind).describe();
    } else {
      job.imports = state::read_insight_record(state_dir.insight_record());
    }
    attention = attention || job.health.needs_attention();
    jobs.push_back(std::move(job));
  }
  if (line.json) {
    std::cout << status_json(config, jobs, output::read_manifest(config.output.dir), now,
                             attention);
  } else {
    std::cout << status_text(state, jobs);
  }
  return attention ? kExitAttention : kExitOk;
}

}  // namespace qi::daemon
