#include "assets_sim/dc_imports.hpp"

#include <array>

#include "qualys_sim/sim_util.hpp"

namespace qi::assets_sim {

namespace {

constexpr int kSteps = 3;
constexpr std::array<const char*, kSteps> kStepNames = {
    "Reading data from the import source", "Creating and updating objects", "Updating references"};

std::string iso_ms(std::chrono::system_clock::time_point t) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::string text = qi::sim::iso_utc(ms / 1000, true);  // "...:SS.000Z"
  const std::string millis = std::to_string(1000 + ms % 1000).substr(1);
  return text.replace(text.size() - 4, 3, millis);
}

void field(std::string& out, const char* name, const std::string& value) {
  out += ",\"";
  out += name;
  out += "\":\"";
  qi::sim::append_json_escaped(out, value);
  out += '"';
}

void number(std::string& out, const char* name, std::int64_t value) {
  out += ",\"";
  out += name;
  out += "\":" + std::to_string(value);
}

}  // namespace

DcImports::DcImports(const DcOptions& options, DcClock clock) : step_(options.step_duration) {
  for (const auto& source : options.imports) sources_[source.id].objects = source.objects;
  for (const auto id : options.running_at_start) {
    if (known(id)) start(id, clock, false);
  }
  starts_.clear();  // runs already going at start were not started by a client
}

bool DcImports::running(std::int64_t id, DcClock clock) const {
  const auto it = sources_.find(id);
  if (it == sources_.end() || !it->second.last) return false;
  return clock.steady - it->second.last->started.steady < step_ * kSteps;
}

DcImports::Start DcImports::start(std::int64_t id, DcClock clock, bool fails) {
  const auto it = sources_.find(id);
  if (it == sources_.end()) return Start::unknown;
  if (running(id, clock)) return Start::already_running;
  Source& source = it->second;
  source.last = Run{clock, ++source.runs, fails};
  starts_.push_back(id);
  return Start::started;
}

std::string DcImports::progress_json(std::int64_t id, DcClock clock) const {
  const Source& source = sources_.at(id);
  std::string out = "{\"resourceId\":\"" + std::to_string(id) + "\"";
  field(out, "category", "imports");
  if (!source.last) {
    // Never run since the server started: the shape for this case is not documented (ours).
    field(out, "status", "NOT_STARTED");
    number(out, "progressInPercent", 0);
    return out + "}";
  }
  const Run& run = *source.last;
  const auto elapsed = clock.steady - run.started.steady;
  const auto total = step_ * kSteps;
  const auto uuid =
      "5a7e0d1c-0000-4000-8000-" +
      std::to_string(100000000000 + id * 1000 + static_cast<std::int64_t>(run.number));
  field(out, "executionUUID", uuid);
  field(out, "actor", "jira-user");
  field(out, "startDate", iso_ms(run.started.wall));
  number(out, "numberOfSteps", kSteps);
  const auto objects = static_cast<std::int64_t>(source.objects);
  number(out, "totalWorkUnits", objects);
  if (elapsed < total) {
    const auto step = static_cast<int>(elapsed / step_);
    field(out, "status", "IN_PROGRESS");
    number(out, "progressInPercent", static_cast<std::int64_t>(elapsed * 100 / total));
    number(out, "currentStep", step + 1);
    field(out, "stepDescription", kStepNames[static_cast<std::size_t>(step)]);
    number(out, "currentWorkUnits",
           objects * (elapsed / std::chrono::milliseconds(1)) /
               std::max<std::int64_t>(1, total.count()));
    const auto eta =
        run.started.wall + std::chrono::duration_cast<std::chrono::system_clock::duration>(total);
    field(out, "estimatedFinishDate", iso_ms(eta));
    return out + "}";
  }
  const bool first = run.number == 1;
  field(out, "status", "FINISHED");
  number(out, "progressInPercent", 100);
  number(out, "currentStep", kSteps);
  number(out, "currentWorkUnits", objects);
  field(out, "finishedDate",
        iso_ms(run.started.wall +
               std::chrono::duration_cast<std::chrono::system_clock::duration>(total)));
  field(out, "result", run.fails ? "FAILED" : "OK");
  field(out, "resultMessage",
        run.fails ? "Import failed: the simulator was told to fail this run" : "Import finished");
  // The counts' names are ours: Atlassian documents no resultData shape for Data Center.
  out += ",\"resultData\":{";
  out += "\"objectsCreated\":" + std::to_string(run.fails || !first ? 0 : objects);
  out += ",\"objectsUpdated\":" + std::to_string(run.fails || first ? 0 : objects);
  out += ",\"objectsIdentical\":0,\"objectsMissing\":0,\"objectsRemoved\":0";
  out += ",\"objectsFailed\":" + std::to_string(run.fails ? objects : 0) + "}";
  return out + "}";
}

}  // namespace qi::assets_sim
