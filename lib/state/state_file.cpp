#include "state/state_file.hpp"

#include <date/date.h>
#include <fcntl.h>
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "output/atomic_file.hpp"
#include "output/json_fields.hpp"
#include "state/json_record_file.hpp"

namespace qi::state {

std::string format_time(Time time) {
  return date::format("%Y-%m-%dT%H:%M:%SZ", time);
}

std::string now_text() {
  return format_time(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

std::optional<Time> parse_time(std::string_view text) {
  // sscanf rather than date::parse: the latter trips GCC 12's -Wmaybe-uninitialized at -O2.
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, consumed = 0;
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &sec,
                  &consumed) != 6 ||
      consumed != static_cast<int>(copy.size())) {
    return std::nullopt;
  }
  const date::year_month_day day{date::year{y}, date::month{static_cast<unsigned>(mo)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!day.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  return Time(date::sys_days{day}) + std::chrono::hours(h) + std::chrono::minutes(mi) +
         std::chrono::seconds(sec);
}

namespace {

constexpr std::pair<RunResult, std::string_view> kResultNames[] = {
    {RunResult::never_run, ""},
    {RunResult::running, "running"},
    {RunResult::succeeded, "succeeded"},
    {RunResult::published_state_not_saved, "published, state not saved"},
    {RunResult::failed, "failed"},
    {RunResult::timed_out, "timed out"},
    {RunResult::cancelled, "cancelled"}};

}  // namespace

std::string_view run_result_name(RunResult result) {
  for (const auto& [value, name] : kResultNames) {
    if (value == result) return name;
  }
  return "?";
}

RunResult run_result_from_name(std::string_view name) {
  for (const auto& [value, spelled] : kResultNames) {
    if (spelled == name) return value;
  }
  return RunResult::never_run;
}

namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void write_time(Writer& w, const char* key, const std::optional<Time>& time) {
  if (!time) return;
  w.Key(key);
  w.String(format_time(*time).c_str());
}

std::optional<Time> time_member(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return parse_time(it->value.GetString());
}

}  // namespace

DaemonState read_state(const std::filesystem::path& file) {
  DaemonState state;
  auto parsed = read_json_record(file, "state file");
  if (!parsed) return state;
  const rapidjson::Document& doc = *parsed;
  auto jobs = doc.FindMember("jobs");
  if (jobs == doc.MemberEnd() || !jobs->value.IsObject()) return state;
  for (const auto& [name, value] : jobs->value.GetObject()) {
    if (!value.IsObject()) continue;
    JobState job;
    job.last_scheduled = time_member(value, "last_scheduled");
    job.run_id = output::json_string_member(value, "run_id");
    job.started = time_member(value, "started");
    job.finished = time_member(value, "finished");
    job.result = run_result_from_name(output::json_string_member(value, "result"));
    job.error = output::json_string_member(value, "error");
    job.api_calls = output::json_number_member(value, "api_calls");
    job.api_bytes = output::json_number_member(value, "api_bytes");
    job.last_success = time_member(value, "last_success");
    job.next_firing = time_member(value, "next_firing");
    if (auto files = value.FindMember("files");
        files != value.MemberEnd() && files->value.IsArray()) {
      for (const auto& f : files->value.GetArray()) {
        if (f.IsObject()) job.files.push_back(output::read_file_figures(f));
      }
    }
    job.references = output::read_reference_checks(value);
    state.jobs[name.GetString()] = std::move(job);
  }
  return state;
}

void write_state(const std::filesystem::path& file, const DaemonState& state) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("jobs");
  w.StartObject();
  for (const auto& [name, job] : state.jobs) {
    w.Key(name.c_str());
    w.StartObject();
    write_time(w, "last_scheduled", job.last_scheduled);
    w.Key("run_id");
    w.String(job.run_id.c_str());
    write_time(w, "started", job.started);
    write_time(w, "finished", job.finished);
    w.Key("result");
    w.String(std::string(run_result_name(job.result)).c_str());
    w.Key("error");
    w.String(job.error.c_str());
    w.Key("files");
    w.StartArray();
    for (const auto& f : job.files) output::write_file_figures(w, f);
    w.EndArray();
    w.Key("api_calls");
    w.Uint64(job.api_calls);
    w.Key("api_bytes");
    w.Uint64(job.api_bytes);
    write_time(w, "last_success", job.last_success);
    write_time(w, "next_firing", job.next_firing);
    output::write_reference_checks(w, job.references);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  std::string text(buffer.GetString(), buffer.GetSize());
  text += '\n';

  output::replace_file_atomically(file, text, output::kPrivateFileMode);
}

std::string describe_state(const DaemonState& state) {
  std::ostringstream out;
  if (state.jobs.empty()) out << "no job has run yet\n";
  for (const auto& [name, job] : state.jobs) {
    out << name << ": "
        << (job.result == RunResult::never_run ? "never run" : run_result_name(job.result));
    if (!job.run_id.empty()) out << " (run " << job.run_id << ")";
    out << "\n";
    if (job.started) out << "  started      " << format_time(*job.started) << "\n";
    if (job.finished) out << "  finished     " << format_time(*job.finished) << "\n";
    if (!job.error.empty()) out << "  error        " << job.error << "\n";
    for (const auto& f : job.files) {
      out << "  published    " << f.name << ": " << f.rows << " rows, " << f.bytes << " bytes\n";
    }
    if (job.api_calls)
      out << "  API calls    " << job.api_calls << " (" << job.api_bytes << " bytes)\n";
    if (job.last_success) out << "  last success " << format_time(*job.last_success) << "\n";
    if (job.next_firing) out << "  next run     " << format_time(*job.next_firing) << "\n";
    for (const auto& [check, figures] : job.references) {
      if (figures.count == 0) continue;
      out << "  check        " << check << ": " << figures.count;
      for (std::size_t i = 0; i < figures.first.size(); ++i) {
        out << (i == 0 ? " (first: " : ", ") << figures.first[i];
      }
      out << (figures.first.empty() ? "" : ")") << "\n";
    }
  }
  return out.str();
}

}  // namespace qi::state
