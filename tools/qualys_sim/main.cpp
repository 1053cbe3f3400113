// qualys-sim: the Qualys API simulator as a standalone HTTPS server for the README demo,
// end-to-end scripts and benchmarks. See docs/simulator.md.
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "qualys_sim/expected_csv.hpp"
#include "qualys_sim/request_log.hpp"
#include "qualys_sim/simulator.hpp"
#include "sim_common/launch.hpp"

namespace {

constexpr const char* kHelp = R"(Usage: qualys-sim [OPTIONS]

A Qualys API simulator (gateway /auth + CSAM v2, API v2 KB / host detection / host list) on
HTTPS, serving a deterministic generated dataset. Runs until SIGTERM or SIGINT.

Network and TLS:
  --bind ADDR                 listen address (default 127.0.0.1)
  --port N                    listen port (default 0: any free port)
  --port-file F               write the bound port to F (atomically, after listening)
  --ca-out F                  write the PEM of the generated CA to F (trust it in the client)
  --cert-names LIST           server certificate names, comma separated
                              (default localhost,127.0.0.1)
Credentials:
  --username U                API user (default sim-user)
  --password-file F           the password is F's whole first line (default: sim-password);
                              the password is never taken from argv
  --credentials-file F        user and password from a legacy auth.conf line
                              "LOGIN PASSWORD [REGION_URL]" (the daemon's credentials file)
  --token-lifetime D          gateway JWT lifetime: 3600, 90s, 15m, 4h (default 4h)
Dataset (deterministic from the seed):
  --seed S                    (default 1)
  --assets N  --qids N  --hosts N  --detections-per-host N   (default 10, 20, 10, 3)
  --generations N             start at generation N: N mutation steps at fixed past times, one
                              a day from 2025-08-01T06:00:00Z (see POST /__sim/mutate)
  --csam-204                  end CSAM paging with HTTP 204 instead of hasMore 0
Latency and limits:
  --ttfb-ms N                 delay before every response head
  --bandwidth N               body bytes per second per response (0: unlimited)
  --concurrency-limit N       concurrent API v2 calls before 409/1960 (default 2, 0: none)
Faults:
  --fault SPEC                ENDPOINT:KIND[:ARG][,nth=N][,times=T|forever] (repeatable)
                              e.g. detection:status:503  kb:truncate:4096  search:429:3,times=2
                              see docs/simulator.md for every kind
Benchmarks:
  --request-log F             append one JSON line per API request to F (method, target,
                              content type, headers, body; the Authorization value and a
                              password form field are never written), to replay them
Oracle:
  --write-expected DIR        write the four CSVs the daemon must produce for this dataset
                              into DIR and exit
  --expected-hld-params Q     detection parameters the daemon sends, as a query string
                              (default: the server defaults), for vm.csv
  --expected-columns F=A|B    the extra columns (catalog names) of file F (assets, vulnkb or
                              vm) the daemon is configured with (repeatable)
Control endpoints while running (no auth): GET /__sim/stats, POST /__sim/faults (one SPEC per
line), DELETE /__sim/faults, POST /__sim/expire-tokens, POST /__sim/mutate (a new generation
now), GET /__sim/generation, POST /__sim/write-expected?dir=DIR[&status=...] (the oracle of the
current generation).
)";

std::vector<std::string> split_words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

using qi::sim_common::flag_number;

std::chrono::seconds duration(const std::string& text) {
  if (text.empty()) throw std::invalid_argument("--token-lifetime: empty");
  const char unit = text.back();
  const int scale = unit == 'h' ? 3600 : unit == 'm' ? 60 : 1;
  const std::string digits =
      std::isdigit(static_cast<unsigned char>(unit)) ? text : text.substr(0, text.size() - 1);
  return std::chrono::seconds(flag_number("--token-lifetime", digits) * scale);
}

// "vm=Status|Ports" -> columns["vm"] = {"Status", "Ports"}.
void add_expected_columns(std::map<std::string, std::vector<std::string>>& columns,
                          const std::string& spec) {
  const auto equals = spec.find('=');
  const std::string file = spec.substr(0, equals);
  if (equals == std::string::npos || (file != "assets" && file != "vulnkb" && file != "vm"))
    throw std::invalid_argument("--expected-columns: expected assets|vulnkb|vm=NAME|NAME..., got " +
                                spec);
  columns[file] = qi::sim_common::split_list(spec.substr(equals + 1), '|');
}

int run(int argc, char** argv) {
  qi::sim::SimulatorOptions options;
  std::string port_file, ca_out, write_expected, expected_params, password_file, credentials_file,
      request_log;
  std::vector<std::string> cert_names = {"localhost", "127.0.0.1"};
  std::vector<qi::sim::FaultRule> faults;
  std::map<std::string, std::vector<std::string>> expected_columns;  // file -> catalog names
  bool username_given = false;

  const std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << kHelp;
      return 0;
    }
    if (flag == "--csam-204") {
      options.csam_204_at_end = true;
      continue;
    }
    if (i + 1 >= args.size()) throw std::invalid_argument(flag + ": missing value (see --help)");
    const std::string& value = args[++i];
    if (flag == "--bind")
      options.bind_address = value;
    else if (flag == "--port")
      options.port = static_cast<std::uint16_t>(flag_number(flag, value));
    else if (flag == "--port-file")
      port_file = value;
    else if (flag == "--ca-out")
      ca_out = value;
    else if (flag == "--cert-names")
      cert_names = qi::sim_common::split_list(value, ',');
    else if (flag == "--username")
      options.username = value, username_given = true;
    else if (flag == "--password-file")
      password_file = value;
    else if (flag == "--credentials-file")
      credentials_file = value;
    else if (flag == "--token-lifetime")
      options.token_lifetime = duration(value);
    else if (flag == "--seed")
      options.data.seed = static_cast<std::uint64_t>(flag_number(flag, value));
    else if (flag == "--assets")
      options.data.assets = flag_number(flag, value);
    else if (flag == "--qids")
      options.data.qids = flag_number(flag, value);
    else if (flag == "--hosts")
      options.data.hosts = flag_number(flag, value);
    else if (flag == "--detections-per-host")
      options.data.detections_per_host = flag_number(flag, value);
    else if (flag == "--generations")
      qi::sim::append_past_generations(options.data, static_cast<int>(flag_number(flag, value)));
    else if (flag == "--ttfb-ms")
      options.latency.time_to_first_byte = std::chrono::milliseconds(flag_number(flag, value));
    else if (flag == "--bandwidth")
      options.latency.bandwidth = static_cast<std::uint64_t>(flag_number(flag, value));
    else if (flag == "--concurrency-limit")
      options.concurrency_limit = static_cast<int>(flag_number(flag, value));
    else if (flag == "--fault")
      faults.push_back(qi::sim::parse_fault_spec(value));
    else if (flag == "--write-expected")
      write_expected = value;
    else if (flag == "--expected-hld-params")
      expected_params = value;
    else if (flag == "--expected-columns")
      add_expected_columns(expected_columns, value);
    else if (flag == "--request-log")
      request_log = value;
    else
      throw std::invalid_argument("unknown option " + flag + " (see --help)");
  }

  if (!write_expected.empty()) {
    std::string bad;
    const auto filter = qi::sim::detection_filter_from(qi::sim::parse_form(expected_params), &bad);
    if (!bad.empty()) throw std::invalid_argument("--expected-hld-params: bad " + bad);
    qi::sim::write_expected_csv(options.data, write_expected, filter);
    // The files with extra columns again, over the legacy ones.
    for (const auto& [file, columns] : expected_columns) {
      if (file == "assets")
        qi::sim::write_expected_assets_csv(options.data, write_expected, columns);
      if (file == "vulnkb")
        qi::sim::write_expected_vulnkb_csv(options.data, write_expected, columns);
      if (file == "vm")
        qi::sim::write_expected_vm_csv(options.data, write_expected, filter, columns);
    }
    return 0;
  }

  if (!password_file.empty()) {
    options.password = qi::sim_common::first_line_of("--password-file", password_file);
  }
  if (!credentials_file.empty()) {
    // The legacy auth.conf the daemon reads: "LOGIN PASSWORD [REGION_URL]".
    std::ifstream in(credentials_file);
    std::string line;
    if (!in || !std::getline(in, line))
      throw std::invalid_argument("--credentials-file: cannot read " + credentials_file);
    const auto words = split_words(line);
    if (words.size() < 2)
      throw std::invalid_argument("--credentials-file: expected LOGIN PASSWORD [REGION_URL]");
    if (!username_given) options.username = words[0];
    options.password = words[1];
  }

  if (!request_log.empty()) qi::sim::open_request_log(request_log);
  const auto pki = qi::testing::TestPki::create("qualys-sim CA");
  if (!ca_out.empty()) pki.write_ca_pem(ca_out);
  boost::asio::io_context io(1);
  qi::sim::Simulator simulator(io.get_executor(), options, pki.issue(cert_names));
  for (auto& rule : faults) simulator.add_fault(std::move(rule));
  simulator.start();
  qi::sim_common::write_port_file(port_file, simulator.port());
  std::cerr << "qualys-sim: listening on https://" << options.bind_address << ":"
            << simulator.port() << " (user " << options.username << ", seed " << options.data.seed
            << ")\n";

  qi::sim_common::run_until_signalled(io, [&] { simulator.stop(); });
  std::cerr << "qualys-sim: stopped; " << simulator.stats().to_json();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return qi::sim_common::run_main("qualys-sim", [&] { return run(argc, argv); });
}
