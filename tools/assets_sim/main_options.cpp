#include "assets_sim/main_options.hpp"

#include <functional>
#include <map>
#include <stdexcept>

#include "sim_common/launch.hpp"

namespace qi::assets_sim {

const char* const kHelp = R"(Usage: assets-sim [OPTIONS]

A Jira Service Management Assets simulator on HTTPS: the Data Center import calls (under
/rest/assets/1.0 and /rest/insight/1.0) and the Cloud external import (imports/info, mapping,
executions, data chunks). Runs until SIGTERM or SIGINT.

Network and TLS:
  --bind ADDR                listen address (default 127.0.0.1)
  --port N                   listen port (default 0: any free port)
  --port-file F              write the bound port to F (atomically, after listening)
  --ca-out F                 write the PEM of the generated CA to F (trust it in the client)
  --cert-names LIST          server certificate names (default localhost,127.0.0.1)
  --max-body-bytes N         larger request bodies get 413 (default 8388608)
Data Center:
  --dc-user U                Basic user (default jira-user)
  --dc-password-file F       Basic password: F's first line (default jira-password)
  --dc-token-file F          personal access token: F's first line (default jira-pat)
  --dc-import ID[:OBJECTS]   an import source and the objects a run reports (repeatable; replaces
                             the default 11:10, 12:20, 13:30, 14:40)
  --dc-running ID            the import source is already running at start (repeatable)
  --dc-step-ms N             length of each of a run's three steps (default 100)
  --no-assets-root           /rest/assets/1.0 answers 404 (an old Insight)
  --no-insight-root          /rest/insight/1.0 answers 404
Cloud external import:
  --cloud-token-file F       the container token: F's first line (default assets-container-token)
  --cloud-workspace ID       workspace id in the links
  --cloud-import-source ID   import source id in the links (default 7)
  --cloud-link-host H        host[:port] of the links (default: the request's Host)
  --cloud-processing-ms N    how long an execution stays PROCESSING (default 100)
  --cloud-rate-limit N       requests a minute before 429 (default 1000, 0: none)
  --max-chunk-objects N      objects in one data chunk (default 1000)
  --cloud-disabled           configstatus says DISABLED
Faults and records:
  --fault SPEC               FAMILY:KIND[:ARG][,nth=N][,times=T|forever] (repeatable), e.g.
                             dc-start:status:403  data:reset-after-apply  cloud:429:3,times=2
  --request-log F            append one JSON line per API request to F (no secrets)
  --dump-objects F           on exit, write the objects the Cloud imports stored to F (JSON)
Control endpoints (no auth): GET /__assets/stats, POST /__assets/faults (one SPEC a line),
DELETE /__assets/faults, GET /__assets/objects, GET /__assets/dc/starts,
POST /__assets/cloud/regenerate-token, POST /__assets/cloud/disabled?value=true|false.
)";

namespace {

using sim_common::first_line_of;
using sim_common::flag_number;

using Setter = std::function<void(CommandLine&, const std::string& flag, const std::string&)>;

const std::map<std::string, Setter>& valued_flags() {
  static const std::map<std::string, Setter> flags = {
      {"--bind", [](auto& c, auto&, auto& v) { c.options.bind_address = v; }},
      {"--port", [](auto& c, auto& f,
                    auto& v) { c.options.port = static_cast<std::uint16_t>(flag_number(f, v)); }},
      {"--port-file", [](auto& c, auto&, auto& v) { c.port_file = v; }},
      {"--ca-out", [](auto& c, auto&, auto& v) { c.ca_out = v; }},
      {"--cert-names",
       [](auto& c, auto&, auto& v) { c.cert_names = sim_common::split_list(v, ','); }},
      {"--max-body-bytes",
       [](auto& c, auto& f, auto& v) {
         c.options.max_body_bytes = static_cast<std::size_t>(flag_number(f, v));
       }},
      {"--dc-user", [](auto& c, auto&, auto& v) { c.options.dc.username = v; }},
      {"--dc-password-file",
       [](auto& c, auto& f, auto& v) { c.options.dc.password = first_line_of(f, v); }},
      {"--dc-token-file",
       [](auto& c, auto& f, auto& v) { c.options.dc.token = first_line_of(f, v); }},
      {"--dc-running", [](auto& c, auto& f,
                          auto& v) { c.options.dc.running_at_start.push_back(flag_number(f, v)); }},
      {"--dc-step-ms",
       [](auto& c, auto& f, auto& v) {
         c.options.dc.step_duration = std::chrono::milliseconds(flag_number(f, v));
       }},
      {"--cloud-token-file",
       [](auto& c, auto& f, auto& v) { c.options.cloud.token = first_line_of(f, v); }},
      {"--cloud-workspace", [](auto& c, auto&, auto& v) { c.options.cloud.workspace_id = v; }},
      {"--cloud-import-source",
       [](auto& c, auto& f, auto& v) { c.options.cloud.import_source_id = flag_number(f, v); }},
      {"--cloud-link-host", [](auto& c, auto&, auto& v) { c.options.cloud.link_host = v; }},
      {"--cloud-processing-ms",
       [](auto& c, auto& f, auto& v) {
         c.options.cloud.processing_duration = std::chrono::milliseconds(flag_number(f, v));
       }},
      {"--cloud-rate-limit",
       [](auto& c, auto& f, auto& v) {
         c.options.cloud.rate_limit_per_minute = static_cast<std::uint64_t>(flag_number(f, v));
       }},
      {"--max-chunk-objects",
       [](auto& c, auto& f, auto& v) {
         c.options.cloud.max_chunk_objects = static_cast<std::size_t>(flag_number(f, v));
       }},
      {"--fault", [](auto& c, auto&, auto& v) { c.faults.push_back(parse_fault_spec(v)); }},
      {"--request-log", [](auto& c, auto&, auto& v) { c.request_log = v; }},
      {"--dump-objects", [](auto& c, auto&, auto& v) { c.dump_objects = v; }}};
  return flags;
}

}  // namespace

CommandLine parse_command_line(const std::vector<std::string>& args) {
  CommandLine cli;
  bool imports_given = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "--help" || flag == "-h") {
      cli.help = true;
      return cli;
    }
    if (flag == "--no-assets-root" || flag == "--no-insight-root" || flag == "--cloud-disabled") {
      if (flag == "--no-assets-root") cli.options.dc.assets_root = false;
      if (flag == "--no-insight-root") cli.options.dc.insight_root = false;
      if (flag == "--cloud-disabled") cli.options.cloud.disabled = true;
      continue;
    }
    if (i + 1 >= args.size()) throw std::invalid_argument(flag + ": missing value (see --help)");
    const std::string& value = args[++i];
    if (flag == "--dc-import") {
      if (!imports_given) cli.options.dc.imports.clear();
      imports_given = true;
      const auto colon = value.find(':');
      DcImportSource source{flag_number(flag, value.substr(0, colon)), 10};
      if (colon != std::string::npos) {
        source.objects = static_cast<std::uint64_t>(flag_number(flag, value.substr(colon + 1)));
      }
      cli.options.dc.imports.push_back(source);
      continue;
    }
    const auto setter = valued_flags().find(flag);
    if (setter == valued_flags().end()) {
      throw std::invalid_argument("unknown option " + flag + " (see --help)");
    }
    setter->second(cli, flag, value);
  }
  return cli;
}

}  // namespace qi::assets_sim
