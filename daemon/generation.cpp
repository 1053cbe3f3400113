#include "generation.hpp"

#include "logging.hpp"
#include "net/https_client.hpp"
#include "output/publication.hpp"

namespace qi::daemon {

std::shared_ptr<Generation> make_generation(boost::asio::any_io_executor executor,
                                            LoadedConfig loaded, std::uint64_t number) {
  auto generation = std::make_shared<Generation>();
  generation->loaded = std::move(loaded);
  generation->number = number;
  const auto& config = generation->loaded.config;
  generation->http = net::make_https_client(executor, qualys::http_client_options(config.qualys));
  generation->session = std::make_unique<qualys::QualysSession>(
      executor, *generation->http, generation->loaded.endpoints, generation->loaded.credentials,
      config.qualys);
  return generation;
}

void prepare_first_run(const config::Config& config) {
  set_log_level(config.logging.level);
  warn_about_credentials_permissions(config);
  output::check_output_dir(config.output.dir);
  sweep_interrupted_runs(config);
}

}  // namespace qi::daemon
