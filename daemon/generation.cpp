#include "generation.hpp"

#include "insight/cloud_importer.hpp"
#include "insight/dc_importer.hpp"
#include "logging.hpp"
#include "net/https_client.hpp"
#include "output/publication.hpp"

namespace qi::daemon {

namespace {

// The importer of the mode (insight on).
std::unique_ptr<insight::Importer> make_importer(config::InsightMode mode) {
  if (mode == config::InsightMode::cloud) return std::make_unique<insight::CloudImporter>();
  return std::make_unique<insight::DcImporter>();
}

}  // namespace

net::HttpClientOptions jira_client_options(const config::Config& config) {
  auto options = qualys::http_client_options(config.qualys);
  options.ca_file = config.insight.ca_file.string();
  options.proxy_url = config.insight.proxy;
  return options;
}

insight::JiraTransportOptions jira_transport_options(const config::Config& config) {
  const auto& insight = config.insight;
  insight::JiraTransportOptions options;
  options.retry = qualys::RetryPolicy::from(config.qualys);
  if (insight.mode == config::InsightMode::cloud) {
    options.credential = {insight::JiraCredential::Kind::bearer_token, insight.cloud.token_file};
    options.requests_per_minute = kCloudRequestsPerMinute;
  } else if (!insight.token_file.empty()) {
    options.credential = {insight::JiraCredential::Kind::bearer_token, insight.token_file};
  } else {
    options.credential = {insight::JiraCredential::Kind::basic_login, insight.credentials_file};
  }
  return options;
}

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
  if (jobs::insight_on(config)) {
    generation->jira_http = net::make_https_client(executor, jira_client_options(config));
    generation->jira =
        insight::make_jira_transport(*generation->jira_http, jira_transport_options(config));
    generation->importer = make_importer(config.insight.mode);
    generation->insight = std::make_unique<jobs::InsightTools>(
        jobs::InsightTools{*generation->jira, *generation->importer});
  }
  return generation;
}

void prepare_first_run(const config::Config& config) {
  set_log_level(config.logging.level);
  warn_about_credentials_permissions(config);
  output::check_output_dir(config.output.dir);
  sweep_interrupted_runs(config);
}

}  // namespace qi::daemon
