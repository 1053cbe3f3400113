#include "config/job_fields.hpp"

#include <array>
#include <vector>

namespace qi::config {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> parts;
  while (true) {
    std::size_t comma = text.find(',');
    parts.push_back(trim(text.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return parts;
}

// The keys every job has; `extra` adds the job's own.
YamlReader::Fields schedule_fields(YamlReader& r, JobSchedule& job) {
  return {
      {"enabled", [&](auto& n, auto& p) { r.boolean(n, p, job.enabled); }},
      {"schedule",
       [&](auto& n, auto& p) {
         std::string value;
         if (!r.string(n, p, value)) return;
         if (trim(value).empty()) {
           r.error(n, p, "must not be empty (a cron expression such as \"0 2 * * *\")");
           return;
         }
         job.schedule = value;
       }},
      {"timeout", [&](auto& n, auto& p) { r.duration(n, p, job.timeout, kMaxJobTimeout); }},
      {"catch_up_window",
       [&](auto& n, auto& p) { r.duration(n, p, job.catch_up_window, kMaxCatchUpWindow); }},
      {"jitter", [&](auto& n, auto& p) { r.duration(n, p, job.jitter, kMaxJitter, true); }},
      {"min_ratio", [&](auto& n, auto& p) { r.fraction(n, p, job.min_ratio); }},
      {"full_refresh",
       [&](auto& n, auto& p) { r.duration(n, p, job.full_refresh, kMaxFullRefresh, true); }},
      {"incremental_margin",
       [&](auto& n, auto& p) {
         r.duration(n, p, job.incremental_margin, kMaxIncrementalMargin, true);
       }},
      {"time_zone",
       [&](auto& n, auto& p) {
         std::string value;
         if (!r.string(n, p, value)) return;
         // An IANA name such as Europe/Berlin; the scheduler checks that the zone exists.
         for (char c : value) {
           bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '/' ||
                     c == '_' || c == '-' || c == '+';
           if (!ok || value.find("..") != std::string::npos || value.front() == '/') {
             r.error(n, p, "expected an IANA time zone name such as Europe/Berlin");
             return;
           }
         }
         job.time_zone = value;
       }},
  };
}

// jobs.kb.api_version and jobs.vm.api_version: an endpoint version prefix such as /api/5.0.
YamlReader::Fields::value_type api_version_field(YamlReader& r, std::string& out) {
  return {"api_version", [&r, &out](auto& n, auto& p) {
            std::string value;
            if (!r.string(n, p, value)) return;
            if (auto problem = api_version_problem(value)) {
              r.error(n, p, *problem);
              return;
            }
            out = value;
          }};
}

void read_assets(YamlReader& r, const YAML::Node& node, const std::string& path,
                 AssetsJobConfig& job) {
  YamlReader::Fields fields = schedule_fields(r, job);
  fields.emplace_back("page_size", [&](auto& n, auto& p) {
    r.integer_field(n, p, job.page_size, 1, 300, "the CSAM maximum is 300");
  });
  fields.emplace_back("count_tolerance",
                      [&](auto& n, auto& p) { r.fraction(n, p, job.count_tolerance); });
  fields.emplace_back("empty_page_retries", [&](auto& n, auto& p) {
    r.integer_field(n, p, job.empty_page_retries, 0, 100);
  });
  fields.emplace_back("assets_per_window", [&](auto& n, auto& p) {
    r.integer(n, p, job.assets_per_window, 0, 100'000'000);
  });
  fields.emplace_back("filter_json", [&](auto& n, auto& p) {
    std::string value;
    if (!r.string(n, p, value)) return;
    std::string_view body = trim(value);
    if (!body.empty() && (body.front() != '{' || body.back() != '}')) {
      r.error(n, p, "must be a JSON object such as {\"filters\":[...]}");
      return;
    }
    job.filter_json = value;
  });
  r.map(node, path, fields);
}

void read_kb(YamlReader& r, const YAML::Node& node, const std::string& path, KbJobConfig& job) {
  YamlReader::Fields fields = schedule_fields(r, job);
  fields.push_back(api_version_field(r, job.api_version));
  fields.emplace_back("details", [&](auto& n, auto& p) {
    std::string value;
    if (!r.string(n, p, value)) return;
    if (value != "Basic" && value != "All" && value != "None") {
      r.error(n, p, "expected Basic, All or None, got \"" + value.substr(0, 20) + "\"");
      return;
    }
    job.details = value;
  });
  fields.emplace_back("window_size",
                      [&](auto& n, auto& p) { r.integer(n, p, job.window_size, 1, 10'000'000); });
  fields.emplace_back("max_qid",
                      [&](auto& n, auto& p) { r.integer(n, p, job.max_qid, 1, 1'000'000'000); });
  r.map(node, path, fields);
  // Every window is planned up front (kb_job's window list): each key within its range can still
  // ask for a billion windows together (max_qid 1000000000, window_size 1).
  constexpr std::int64_t kMaxKbWindows = 100'000;
  if (const auto windows = (job.max_qid + job.window_size - 1) / job.window_size;
      windows > kMaxKbWindows) {
    r.error(YamlReader::join(path, "max_qid"),
            "max_qid / window_size gives " + std::to_string(windows) + " windows, more than " +
                std::to_string(kMaxKbWindows) + ": raise window_size or lower max_qid");
  }
}

void read_vm(YamlReader& r, const YAML::Node& node, const std::string& path, VmJobConfig& job) {
  YamlReader::Fields fields = schedule_fields(r, job);
  fields.push_back(api_version_field(r, job.api_version));
  fields.emplace_back("truncation_limit", [&](auto& n, auto& p) {
    // Qualys reads 0 as "no limit", i.e. one unbounded response; we always page.
    r.integer_field(n, p, job.truncation_limit, 1, 1'000'000,
                    "0 would disable paging; hosts per page");
  });
  fields.emplace_back("hosts_per_window", [&](auto& n, auto& p) {
    r.integer(n, p, job.hosts_per_window, 0, 1'000'000);
  });
  bool status_given = false;
  bool statuses_given = false;
  fields.emplace_back("status", [&](auto& n, auto& p) {
    status_given = true;
    std::string value;
    if (!r.string(n, p, value)) return;
    std::string normalized;
    if (auto problem = status_problem(value, normalized)) {
      r.error(n, p, *problem);
      return;
    }
    job.status = normalized;
  });
  // The list form of `status`, as the issue tracker's users spell it: [New, Active, Fixed].
  fields.emplace_back("statuses", [&](auto& n, auto& p) {
    statuses_given = true;
    std::vector<std::string> values;
    if (!r.string_list(n, p, values)) return;
    std::string joined;
    for (const auto& value : values) {
      if (value.find(',') != std::string::npos) {
        r.error(n, p, "one status per list entry (\"" + value.substr(0, 30) + "\")");
        return;
      }
      joined += (joined.empty() ? "" : ",") + value;
    }
    if (values.empty()) {
      r.error(n, p, "must list at least one status");
      return;
    }
    std::string normalized;
    if (auto problem = status_problem(joined, normalized)) {
      r.error(n, p, *problem);
      return;
    }
    job.status = normalized;
  });
  fields.emplace_back("show_igs", [&](auto& n, auto& p) { r.boolean(n, p, job.show_igs); });
  fields.emplace_back("severities", [&](auto& n, auto& p) {
    std::string value;
    if (!r.string(n, p, value)) return;
    if (auto problem = severities_problem(value)) {
      r.error(n, p, *problem);
      return;
    }
    job.severities = value;
  });
  fields.emplace_back("include_ignored",
                      [&](auto& n, auto& p) { r.boolean(n, p, job.include_ignored); });
  fields.emplace_back("include_disabled",
                      [&](auto& n, auto& p) { r.boolean(n, p, job.include_disabled); });
  r.map(node, path, fields);
  if (status_given && statuses_given) {
    r.error(YamlReader::join(path, "statuses"), "give either status or statuses, not both");
  }
}

}  // namespace

void read_jobs(YamlReader& r, const YAML::Node& node, const std::string& path, JobsConfig& jobs) {
  r.map(node, path,
        {{"assets", [&](auto& n, auto& p) { read_assets(r, n, p, jobs.assets); }},
         {"kb", [&](auto& n, auto& p) { read_kb(r, n, p, jobs.kb); }},
         {"vm", [&](auto& n, auto& p) { read_vm(r, n, p, jobs.vm); }}});
}

std::optional<std::string> api_version_problem(std::string_view value) {
  constexpr std::string_view kPrefix = "/api/";
  const std::string reason = "expected a version prefix such as /api/5.0";
  if (value.substr(0, kPrefix.size()) != kPrefix) return reason;
  std::string_view number = value.substr(kPrefix.size());
  std::size_t dot = number.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot + 1 == number.size()) return reason;
  for (std::size_t i = 0; i < number.size(); ++i) {
    if (i != dot && !is_digit(number[i])) return reason;
  }
  return std::nullopt;
}

std::optional<std::string> status_problem(std::string_view value, std::string& normalized) {
  static constexpr std::array<std::string_view, 4> kStatuses{"New", "Active", "Re-Opened", "Fixed"};
  normalized.clear();
  const std::string reason = "expected a comma-separated list of New, Active, Re-Opened, Fixed";
  for (std::string_view part : split_commas(value)) {
    bool known = false;
    for (std::string_view status : kStatuses) known = known || part == status;
    if (!known) return reason;
    if (!normalized.empty()) normalized += ',';
    normalized += part;
  }
  return std::nullopt;
}

std::optional<std::string> severities_problem(std::string_view value) {
  if (value.empty()) return std::nullopt;
  const std::string reason = "expected severities 1 to 5 such as \"3-5\" or \"4,5\"";
  for (std::string_view part : split_commas(value)) {
    auto level = [](std::string_view s) { return s.size() == 1 && s[0] >= '1' && s[0] <= '5'; };
    std::size_t dash = part.find('-');
    if (dash == std::string_view::npos) {
      if (!level(part)) return reason;
    } else if (!level(part.substr(0, dash)) || !level(part.substr(dash + 1)) ||
               part[0] > part[dash + 1]) {
      return reason;
    }
  }
  return std::nullopt;
}

}  // namespace qi::config
