// The transport to Jira against the Assets simulator over HTTPS on loopback: credentials and
// headers, the statuses it handles itself (401/403 at once, 429/503/5xx and resets retried with
// their waits logged), what it returns to the caller, its refusals, and secrets kept out of
// logs and errors.
#include "insight/jira_transport.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "insight/simulated_assets.hpp"

namespace qi::insight {
namespace {

using namespace std::chrono_literals;
using qi::testing::CapturedLog;
using qi::testing::SimulatedAssets;

const std::string kProgress11 = "/rest/assets/1.0/progress/category/imports/11";

assets_sim::FaultRule fault(const std::string& family, assets_sim::FaultKind kind, int status = 0,
                            std::int64_t retry_after = 0) {
  assets_sim::FaultRule rule;
  rule.family = family;
  rule.kind = kind;
  rule.status = status;
  rule.seconds = retry_after;
  return rule;
}

class JiraTransportTest : public ::testing::Test {
 protected:
  JiraTransportOptions options(JiraCredential::Kind kind = JiraCredential::Kind::bearer_token) {
    JiraTransportOptions options;
    options.credential.kind = kind;
    options.credential.file =
        kind == JiraCredential::Kind::bearer_token ? assets_.token_file() : assets_.login_file();
    options.retry.max_attempts = 4;
    options.retry.backoff_initial = 5ms;
    options.retry.backoff_max = 20ms;
    options.retry.max_server_wait = 5min;
    return options;
  }

  JiraResponse send(JiraTransportOptions transport_options, JiraRequest request) {
    auto transport = make_jira_transport(*client_, std::move(transport_options));
    return qi::testing::run_coroutine<JiraResponse>(
        io_, [&]() { return transport->send(request, context_); });
  }
  JiraResponse get(const std::string& path, JiraTransportOptions transport_options) {
    return send(std::move(transport_options),
                JiraRequest{.method = http::verb::get,
                            .url = assets_.base_url() + path,
                            .json_body = {},
                            .description = "read the progress of import source 11"});
  }
  JiraResponse get(const std::string& path) { return get(path, options()); }

  // The message of the qi::FatalError that `f` throws; fails the test when it throws none.
  static std::string fatal_message(const std::function<void()>& f) {
    try {
      f();
    } catch (const FatalError& error) {
      return error.what();
    }
    ADD_FAILURE() << "no FatalError";
    return {};
  }

  std::size_t requests_to(const std::string& path) {
    std::size_t n = 0;
    for (const auto& r : assets_.simulator().requests()) n += r.target == path ? 1 : 0;
    return n;
  }

  SimulatedAssets assets_;
  boost::asio::io_context io_;
  std::unique_ptr<net::HttpClient> client_ = assets_.client(io_);
  qualys::RetryCounts retries_;
  qualys::CallContext context_{.job = "insight",
                               .deadline = std::chrono::steady_clock::now() + 30s,
                               .run_id = "run-1",
                               .retries = &retries_};
};

TEST_F(JiraTransportTest, SendsTheTokenAsBearerWithTheXsrfAndJsonHeaders) {
  const auto response = get(kProgress11);
  EXPECT_EQ(response.status, 200u) << response.body;
  EXPECT_NE(response.body.find("\"resourceId\":\"11\""), std::string::npos);
  const auto recorded = assets_.simulator().requests().back();
  EXPECT_EQ(recorded.header("Authorization"), "Bearer jira-pat");
  EXPECT_EQ(recorded.header("X-Atlassian-Token"), "no-check");
  EXPECT_EQ(recorded.header("Accept"), "application/json");
}

TEST_F(JiraTransportTest, SendsTheUserAndPasswordAsBasic) {
  const auto response = get(kProgress11, options(JiraCredential::Kind::basic_login));
  EXPECT_EQ(response.status, 200u) << response.body;
  EXPECT_TRUE(assets_.simulator().requests().back().header("Authorization").starts_with("Basic "));
}

TEST_F(JiraTransportTest, PostsWithTheXsrfHeaderSoJiraStartsTheImport) {
  const auto response =
      send(options(), {.method = http::verb::post,
                       .url = assets_.base_url() + "/rest/assets/1.0/import/start/12",
                       .json_body = {},
                       .description = "start import source 12"});
  EXPECT_EQ(response.status, 200u) << response.body;
  EXPECT_EQ(assets_.simulator().dc_starts(), std::vector<std::int64_t>{12});
}

TEST_F(JiraTransportTest, ReturnsA404ToTheCaller) {
  EXPECT_EQ(get("/rest/assets/1.0/progress/category/imports/99").status, 404u);
  EXPECT_EQ(requests_to("/rest/assets/1.0/progress/category/imports/99"), 1u);
}

TEST_F(JiraTransportTest, ARefusedTokenFailsAtOnceNamingTheFileNeverTheToken) {
  auto refused = options();
  refused.credential.file = assets_.write_secret("old.token", "old-secret-pat-4711\n");
  const auto message = fatal_message([&] { get(kProgress11, refused); });
  EXPECT_NE(message.find("HTTP 401"), std::string::npos) << message;
  EXPECT_NE(message.find(refused.credential.file.string()), std::string::npos) << message;
  EXPECT_NE(message.find("read the progress of import source 11"), std::string::npos) << message;
  EXPECT_EQ(message.find("old-secret-pat-4711"), std::string::npos) << message;
  EXPECT_EQ(requests_to(kProgress11), 1u);
}

TEST_F(JiraTransportTest, A403FailsAtOnceNamingTheCredentialFile) {
  assets_.simulator().add_fault(fault("dc-progress", assets_sim::FaultKind::http_status, 403));
  const auto message = fatal_message([&] { get(kProgress11); });
  EXPECT_NE(message.find("HTTP 403"), std::string::npos) << message;
  EXPECT_NE(message.find(assets_.token_file().string()), std::string::npos) << message;
  EXPECT_EQ(requests_to(kProgress11), 1u);
}

TEST_F(JiraTransportTest, A429IsRetriedAfterItsRetryAfterWithTheWaitLogged) {
  assets_.simulator().add_fault(fault("dc-progress", assets_sim::FaultKind::too_many_429, 0, 1));
  CapturedLog log;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(get(kProgress11).status, 200u);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_NE(log.text().find("HTTP 429, Retry-After 1 s; retrying in"), std::string::npos)
      << log.text();
  EXPECT_EQ(retries_.of(TransientCause::rate_limit), 1u);
}

TEST_F(JiraTransportTest, ARetryAfterLongerThanTheLongestServerWaitFailsAtOnce) {
  assets_.simulator().add_fault(fault("dc-progress", assets_sim::FaultKind::too_many_429, 0, 600));
  const auto message = fatal_message([&] { get(kProgress11); });
  EXPECT_NE(message.find("HTTP 429, Retry-After 600 s; Jira asks for a longer wait than the 300 s"),
            std::string::npos)
      << message;
  EXPECT_EQ(requests_to(kProgress11), 1u);
}

TEST_F(JiraTransportTest, A503IsRetriedAsAServerError) {
  assets_.simulator().add_fault(fault("dc-progress", assets_sim::FaultKind::http_status, 503, 0));
  CapturedLog log;
  EXPECT_EQ(get(kProgress11).status, 200u);
  EXPECT_NE(log.text().find("HTTP 503, Retry-After 0 s; retrying in"), std::string::npos)
      << log.text();
  EXPECT_EQ(retries_.of(TransientCause::server_error), 1u);
}

TEST_F(JiraTransportTest, AnyOther5xxIsRetried) {
  assets_.simulator().add_fault(fault("dc-progress", assets_sim::FaultKind::http_status, 500));
  EXPECT_EQ(get(kProgress11).status, 200u);
  EXPECT_EQ(requests_to(kProgress11), 2u);
}

TEST_F(JiraTransportTest, AConnectionResetIsRetried) {
  assets_.simulator().add_fault(fault("dc-progress", assets_sim::FaultKind::reset));
  EXPECT_EQ(get(kProgress11).status, 200u);
  EXPECT_EQ(retries_.of(TransientCause::network), 1u);
}

TEST_F(JiraTransportTest, RetriesThatRunOutFailNamingTheRequestAndTheLastError) {
  auto rule = fault("dc-progress", assets_sim::FaultKind::http_status, 502);
  rule.times = 0;
  assets_.simulator().add_fault(rule);
  const auto message = fatal_message([&] { get(kProgress11); });
  EXPECT_NE(message.find("read the progress of import source 11: failed after 4 attempts"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("HTTP 502"), std::string::npos) << message;
}

TEST_F(JiraTransportTest, ANonHttpsUrlIsRefusedBeforeAnythingIsSent) {
  const auto plain = "http://localhost:" + std::to_string(assets_.simulator().port()) + kProgress11;
  const auto message = fatal_message([&] {
    send(options(), {.method = http::verb::get, .url = plain, .json_body = {}, .description = "x"});
  });
  EXPECT_NE(message.find("only https URLs"), std::string::npos) << message;
  EXPECT_TRUE(assets_.simulator().requests().empty());
}

TEST_F(JiraTransportTest, ABodyOverTheCapIsRefused) {
  auto small = options();
  small.max_body_bytes = 16;
  const auto message = fatal_message([&] { get(kProgress11, small); });
  EXPECT_NE(message.find("over 16 bytes"), std::string::npos) << message;
}

TEST_F(JiraTransportTest, AnUnreadableCredentialFileIsAConfigError) {
  auto missing = options();
  missing.credential.file = "/nonexistent/jira.token";
  EXPECT_THROW(make_jira_transport(*client_, missing), ConfigError);
}

TEST_F(JiraTransportTest, NeitherTheTokenNorThePasswordReachesTheLogOrAnError) {
  assets_sim::AssetsSimOptions sim_options = SimulatedAssets::fast_options();
  CapturedLog log;
  std::string errors;
  for (const auto kind : {JiraCredential::Kind::bearer_token, JiraCredential::Kind::basic_login}) {
    assets_.simulator().add_fault(fault("dc-progress", assets_sim::FaultKind::too_many_429, 0, 0));
    assets_.simulator().add_fault(fault("dc-progress", assets_sim::FaultKind::http_status, 500));
    EXPECT_EQ(get(kProgress11, options(kind)).status, 200u);
    assets_.simulator().add_fault(fault("dc-progress", assets_sim::FaultKind::http_status, 403));
    errors += fatal_message([&] { get(kProgress11, options(kind)); });
  }
  for (const auto& secret : {sim_options.dc.token, sim_options.dc.password}) {
    EXPECT_EQ(log.text().find(secret), std::string::npos) << secret;
    EXPECT_EQ(errors.find(secret), std::string::npos) << secret;
  }
  EXPECT_NE(log.text().find("retrying in"), std::string::npos) << log.text();
}

TEST_F(JiraTransportTest, TheRequestRateLimitFailsAWaitThatWouldOutlastTheDeadline) {
  auto limited = options();
  limited.requests_per_minute = 1;
  auto transport = make_jira_transport(*client_, limited);
  const JiraRequest request{.method = http::verb::get,
                            .url = assets_.base_url() + kProgress11,
                            .json_body = {},
                            .description = "read the progress of import source 11"};
  context_.deadline = std::chrono::steady_clock::now() + 10s;
  const auto first = qi::testing::run_coroutine<JiraResponse>(
      io_, [&]() { return transport->send(request, context_); });
  EXPECT_EQ(first.status, 200u);
  const auto message = fatal_message([&] {
    qi::testing::run_coroutine<JiraResponse>(io_,
                                             [&]() { return transport->send(request, context_); });
  });
  EXPECT_NE(message.find("past the job's deadline"), std::string::npos) << message;
  EXPECT_NE(message.find("the rate limit of 1 requests per 60 s is reached"), std::string::npos)
      << message;
  EXPECT_EQ(requests_to(kProgress11), 1u);
}

}  // namespace
}  // namespace qi::insight
