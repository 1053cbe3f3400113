#include "insight/dc_progress.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace qi::insight {

namespace {

constexpr std::size_t kSaidLimit = 500;

// The names under which clients and versions give the counts (Atlassian documents none for Data
// Center; objectsCreated/... is what the Assets simulator sends).
constexpr std::array kCreated = {"objectsCreated", "created", "entriesCreated", "objectsAdded",
                                 "numberOfCreatedObjects"};
constexpr std::array kUpdated = {"objectsUpdated", "updated", "entriesUpdated",
                                 "numberOfUpdatedObjects"};
constexpr std::array kFailed = {"objectsFailed", "failed", "entriesFailed", "errors",
                                "numberOfFailedObjects"};

std::string upper(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(),
                         [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

bool one_of(std::string_view value, std::initializer_list<std::string_view> names) {
  return std::ranges::find(names, value) != names.end();
}

std::string text(const rapidjson::Value& object, const char* name) {
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd()) return {};
  if (it->value.IsString()) return it->value.GetString();
  if (it->value.IsNumber()) return fmt::format("{}", it->value.GetDouble());
  return {};
}

// A count as a number or as digits in a string.
std::optional<std::int64_t> count(const rapidjson::Value& value) {
  if (value.IsInt64()) return value.GetInt64();
  if (value.IsNumber()) return static_cast<std::int64_t>(std::llround(value.GetDouble()));
  if (!value.IsString()) return std::nullopt;
  std::int64_t number = 0;
  const std::string_view digits(value.GetString(), value.GetStringLength());
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (ec != std::errc{} || ptr != digits.data() + digits.size()) return std::nullopt;
  return number;
}

template <std::size_t N>
std::optional<std::int64_t> first_count(const rapidjson::Value& object,
                                        const std::array<const char*, N>& names) {
  for (const char* name : names) {
    const auto it = object.FindMember(name);
    if (it == object.MemberEnd()) continue;
    if (auto n = count(it->value)) return n;
  }
  return std::nullopt;
}

void read_counts(DcProgress& progress, const rapidjson::Value& object) {
  if (!progress.created) progress.created = first_count(object, kCreated);
  if (!progress.updated) progress.updated = first_count(object, kUpdated);
  if (!progress.failed) progress.failed = first_count(object, kFailed);
}

std::string one_line(std::string_view body) {
  std::string out(body.substr(0, kSaidLimit));
  for (auto& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (body.size() > kSaidLimit) out += "...";
  return out;
}

}  // namespace

DcProgress parse_dc_progress(std::string_view body) {
  DcProgress progress;
  progress.said = one_line(body);
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return progress;
  progress.status = text(doc, "status");
  progress.result = text(doc, "result");
  progress.message = text(doc, "resultMessage");
  if (progress.message.empty()) progress.message = text(doc, "message");
  progress.step = text(doc, "stepDescription");
  progress.start_date = text(doc, "startDate");
  progress.finished_date = text(doc, "finishedDate");
  progress.execution = text(doc, "executionUUID");
  if (const auto it = doc.FindMember("progressInPercent");
      it != doc.MemberEnd() && it->value.IsNumber()) {
    progress.percent = it->value.GetDouble();
  }
  // resultData: an object, or (in some versions) the same object serialised into a string.
  if (const auto it = doc.FindMember("resultData"); it != doc.MemberEnd()) {
    if (it->value.IsObject()) {
      read_counts(progress, it->value);
    } else if (it->value.IsString()) {
      rapidjson::Document inner;
      inner.Parse(it->value.GetString(), it->value.GetStringLength());
      if (!inner.HasParseError() && inner.IsObject()) read_counts(progress, inner);
    }
  }
  read_counts(progress, doc);
  return progress;
}

DcProgress::Phase DcProgress::phase() const {
  const auto state = upper(status);
  if (!finished_date.empty() ||
      one_of(state, {"FINISHED", "DONE", "COMPLETED", "COMPLETE", "SUCCESS", "SUCCEEDED", "FAILED",
                     "FAILURE", "ERROR", "CANCELLED", "CANCELED", "ABORTED"})) {
    return Phase::finished;
  }
  if (one_of(state, {"IN_PROGRESS", "RUNNING", "STARTED", "QUEUED", "PENDING", "WAITING",
                     "PROCESSING", "INGESTING"})) {
    return Phase::running;
  }
  if (percent && *percent >= 100) return Phase::finished;
  return start_date.empty() ? Phase::idle : Phase::running;
}

bool DcProgress::failed_run() const {
  for (const auto& word : {upper(status), upper(result)}) {
    if (word.find("FAIL") != std::string::npos || word.find("ERROR") != std::string::npos ||
        one_of(word, {"CANCELLED", "CANCELED", "ABORTED"})) {
      return true;
    }
  }
  return false;
}

bool DcProgress::other_run_than(const DcProgress& before) const {
  if (before.execution.empty() && before.start_date.empty()) return true;
  return execution != before.execution || start_date != before.start_date;
}

std::string DcProgress::describe() const {
  std::string out = status.empty() ? std::string("no status") : status;
  if (percent) out += fmt::format(" {:g} %", *percent);
  if (!step.empty()) out += " (" + step + ")";
  return out;
}

std::string DcProgress::counts() const {
  std::string out;
  const auto add = [&](const std::optional<std::int64_t>& n, std::string_view what) {
    if (!n) return;
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", *n, what);
  };
  add(created, "created");
  add(updated, "updated");
  add(failed, "failed");
  return out;
}

}  // namespace qi::insight
