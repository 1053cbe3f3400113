// `check --online` for the insight section: reaches Jira with the configured credentials through
// the job's own transport and says what it found, without starting anything. Data Center: the
// progress of each configured import source (found, 404, refused). Cloud: the import's links
// from insight.cloud.info_url, then its status (IDLE, RUNNING, DISABLED, MISSING_MAPPING).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "config/insight_config.hpp"
#include "insight/jira_transport.hpp"

namespace qi::daemon {

struct ProbeFinding {
  bool ok = true;
  std::string text;  // one line for the operator
};

// Throws what the transport throws: qi::FatalError on 401/403 (naming the credential file),
// qi::TransientError when Jira cannot be reached within the retries.
boost::asio::awaitable<std::vector<ProbeFinding>> probe_insight(
    insight::JiraTransport& transport, const config::InsightConfig& config);

}  // namespace qi::daemon
