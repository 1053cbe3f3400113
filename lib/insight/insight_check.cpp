#include "insight/insight_check.hpp"

#include <utility>

#include "config/credentials.hpp"
#include "net/tls_context.hpp"
#include "schedule/cron_expression.hpp"

namespace qi::insight {
namespace {

using config::InsightMode;

// The secret file the mode reads, its key and how it is read.
struct SecretFile {
  const char* key;
  std::filesystem::path path;
  bool login;  // "USER PASSWORD" rather than a token
};

std::vector<SecretFile> secret_files(const config::InsightConfig& insight) {
  if (insight.mode == InsightMode::cloud) {
    return {{"insight.cloud.token_file", insight.cloud.token_file, false}};
  }
  if (!insight.token_file.empty()) return {{"insight.token_file", insight.token_file, false}};
  return {{"insight.credentials_file", insight.credentials_file, true}};
}

}  // namespace

std::vector<ConfigError> insight_problems(const config::Config& config) {
  std::vector<ConfigError> problems;
  const config::InsightConfig& insight = config.insight;
  if (insight.mode == InsightMode::off) return problems;
  const std::string file = config.source.string();
  try {
    const auto expression = schedule::CronExpression::parse(insight.schedule);
    if (auto reason = expression.never_fires_reason()) {
      problems.emplace_back(file, "insight.schedule",
                            "\"" + insight.schedule + "\" " + *reason +
                                (insight.after_publish ? "" : "; the import would never run"));
    }
  } catch (const std::exception& error) {
    problems.emplace_back(file, "insight.schedule", error.what());
  }
  if (!insight.ca_file.empty()) {
    if (auto problem = net::ca_file_problem(insight.ca_file.string())) {
      problems.emplace_back(file, "insight.ca_file", *problem);
    }
  }
  for (const auto& secret : secret_files(insight)) {
    try {
      if (secret.login) {
        config::load_login(secret.path);
      } else {
        config::load_token(secret.path);
      }
    } catch (const ConfigError& error) {
      // The file's own error names the secret file; the key says where the config points to it.
      problems.emplace_back(file, secret.key, error.what());
    }
  }
  return problems;
}

std::vector<std::string> insight_warnings(const config::Config& config) {
  std::vector<std::string> warnings;
  if (config.insight.mode == InsightMode::off) return warnings;
  for (const auto& secret : secret_files(config.insight)) {
    auto check = secret.login
                     ? config::check_secret_file(secret.path, "Jira credentials file", "a password")
                     : config::check_secret_file(secret.path, "token file", "a token");
    if (!check.warning.empty()) warnings.push_back(std::move(check.warning));
  }
  return warnings;
}

}  // namespace qi::insight
