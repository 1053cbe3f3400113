// The start-up that `run` and the daemon share: one configuration generation (the loaded
// configuration with its HTTP client and Qualys session) and the checks and clean-up before the
// first job.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>

#include "insight/importer.hpp"
#include "insight/jira_transport.hpp"
#include "jobs/insight_job.hpp"
#include "loaded_config.hpp"
#include "net/http_client.hpp"
#include "qualys/qualys_session.hpp"

namespace qi::daemon {

// Everything the jobs of one configuration need. `run` makes one; the daemon one at start and one
// per accepted reload. Running jobs keep theirs alive (shared_ptr) and finish with it after a
// reload.
struct Generation {
  LoadedConfig loaded;
  std::unique_ptr<net::HttpClient> http;
  std::unique_ptr<qualys::QualysSession> session;
  // With insight.mode on: the client to Jira (insight.ca_file, insight.proxy), the transport
  // holding the credential read from its file when the generation was made (a reload re-reads
  // it), the importer of the mode, and the job's view of both. Null with insight off.
  std::unique_ptr<net::HttpClient> jira_http;
  std::unique_ptr<insight::JiraTransport> jira;
  std::unique_ptr<insight::Importer> importer;
  std::unique_ptr<jobs::InsightTools> insight;
  std::uint64_t number = 1;  // 1 at start, one more per accepted reload (metrics)
};

// Assets Cloud allows about 1,000 requests a minute; Data Center sets no such limit.
inline constexpr int kCloudRequestsPerMinute = 1000;

// The client to Jira: the Qualys client's timeouts, insight's own trust anchors and proxy.
net::HttpClientOptions jira_client_options(const config::Config& config);

// How the insight job's requests are authenticated and paced: Data Center with insight.token_file
// (Bearer) or insight.credentials_file (Basic), Cloud with insight.cloud.token_file (Bearer) at
// kCloudRequestsPerMinute; the retries of the Qualys settings.
insight::JiraTransportOptions jira_transport_options(const config::Config& config);

// Throws qi::ConfigError when insight's credential file cannot be read (a reload keeps the
// running generation then).
std::shared_ptr<Generation> make_generation(boost::asio::any_io_executor executor,
                                            LoadedConfig loaded, std::uint64_t number);

// Before the first job: the configured log level, a warning for a credentials file others can
// read, the output directory checked (throws), and the temp files and bases of interrupted runs
// swept (sweep_interrupted_runs).
void prepare_first_run(const config::Config& config);

}  // namespace qi::daemon
