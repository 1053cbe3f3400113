// assets-sim: the Assets simulator as a standalone HTTPS server for the demo, end-to-end scripts
// and benchmarks. See docs/simulator.md ("assets-sim").
#include <boost/asio/io_context.hpp>
#include <iostream>

#include "assets_sim/assets_sim.hpp"
#include "assets_sim/main_options.hpp"
#include "qualys_sim/request_log.hpp"
#include "sim_common/launch.hpp"

namespace {

int run(int argc, char** argv) {
  const auto cli = qi::assets_sim::parse_command_line({argv + 1, argv + argc});
  if (cli.help) {
    std::cout << qi::assets_sim::kHelp;
    return 0;
  }
  if (!cli.request_log.empty()) qi::sim::open_request_log(cli.request_log);
  const auto pki = qi::testing::TestPki::create("assets-sim CA");
  if (!cli.ca_out.empty()) pki.write_ca_pem(cli.ca_out);
  boost::asio::io_context io(1);
  qi::assets_sim::AssetsSimulator simulator(io.get_executor(), cli.options,
                                            pki.issue(cli.cert_names));
  for (const auto& rule : cli.faults) simulator.add_fault(rule);
  simulator.start();
  qi::sim_common::write_port_file(cli.port_file, simulator.port());
  std::cerr << "assets-sim: listening on https://" << cli.options.bind_address << ":"
            << simulator.port() << "\n";

  qi::sim_common::run_until_signalled(io, [&] { simulator.stop(); });
  if (!cli.dump_objects.empty())
    qi::sim_common::write_file_atomically(cli.dump_objects, simulator.objects_json());
  std::cerr << "assets-sim: stopped; " << simulator.stats().to_json();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return qi::sim_common::run_main("assets-sim", [&] { return run(argc, argv); });
}
