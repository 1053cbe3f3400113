// The fault matrix: every fault the simulator can inject, against the job it hits, with the
// outcome we promise: either retried to the exact result, or a clean failure that leaves the
// previous files byte-identical and no temp file behind. Every case also checks that no password
// or token reaches the log.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/algorithm/string/predicate.hpp>
#include <fstream>
#include <map>
#include <thread>

#include "jobs/columns.hpp"
#include "jobs/job.hpp"
#include "qualys_sim/expected_csv.hpp"
#include "simulated_qualys.hpp"
#include "support/small_subscription.hpp"

namespace qi::testing {
namespace {

using jobs::JobKind;
using jobs::RunStatus;
using namespace std::chrono_literals;

enum class Expect { exact, failed, timed_out };

struct FaultCase {
  std::string name;
  JobKind job;
  std::vector<std::string> faults;  // simulator fault specs (tools/qualys_sim/faults.hpp)
  Expect expect;
  std::string error_contains = {};  // for failures: a piece of the error the operator sees
  std::function<void(config::Config&)> adjust = {};
  std::function<void(sim::SimulatorOptions&)> simulator = {};
  SimulatedQualys::Certificate certificate = SimulatedQualys::Certificate::valid;
  // Requests each listed endpoint must have received in all (a refusal is not retried).
  std::map<std::string, std::uint64_t> requests = {};
};

// One KB window at a time, so the first refused window is the only request made.
void one_window_at_a_time(config::Config& c) {
  c.qualys.max_concurrency = 1;
}

std::ostream& operator<<(std::ostream& out, const FaultCase& c) {
  return out << c.name;
}

// An HTTP proxy that answers every CONNECT with 403 (one thread, loopback, for the test binary's
// life). Returns its URL, with credentials that must never reach the log.
std::string refusing_proxy_url() {
  static const std::uint16_t port = [] {
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(listener, 8) != 0 ||
        ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot start the refusing proxy");
    }
    std::thread([listener] {
      for (;;) {
        const int client = ::accept(listener, nullptr, nullptr);
        if (client < 0) return;
        std::string request;
        char buffer[1024];
        while (request.find("\r\n\r\n") == std::string::npos) {
          const auto n = ::read(client, buffer, sizeof buffer);
          if (n <= 0) break;
          request.append(buffer, static_cast<std::size_t>(n));
        }
        constexpr std::string_view kAnswer =
            "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        [[maybe_unused]] auto written = ::write(client, kAnswer.data(), kAnswer.size());
        ::close(client);
      }
    }).detach();
    return ntohs(address.sin_port);
  }();
  return "http://proxyuser:Pr0xy%26Secret@127.0.0.1:" + std::to_string(port);
}

// A CA that did not sign the simulator's certificate (kept for the life of the test binary).
std::filesystem::path write_foreign_ca() {
  static TempDir dir;
  const auto path = dir.path() / "other-ca.pem";
  TestPki::create("some other CA").write_ca_pem(path);
  return path;
}

const std::vector<FaultCase>& fault_cases() {
  static const std::vector<FaultCase> cases = {
      // Transient: retried to the exact result.
      {"KbHttp500Once", JobKind::kb, {"kb:status:500"}, Expect::exact},
      {"KbHttp502Once", JobKind::kb, {"kb:status:502"}, Expect::exact},
      {"DetectionHttp503Once", JobKind::vm, {"detection:status:503,nth=2"}, Expect::exact},
      {"SearchHttp503Once", JobKind::assets, {"search:status:503,nth=2"}, Expect::exact},
      {"CountHttp503Once", JobKind::assets, {"count:status:503"}, Expect::exact},
      {"AuthHttp503Once", JobKind::assets, {"auth:status:503"}, Expect::exact},
      {"Kb409Concurrency1960", JobKind::kb, {"kb:409-1960"}, Expect::exact},
      {"Detection409Rate1965WithToWait", JobKind::vm, {"detection:409-1965:1"}, Expect::exact},
      {"Detection409Rate1965WithoutHeader",
       JobKind::vm,
       {"detection:409-1965-no-header:1"},
       Expect::exact},
      {"Search429WithRetryAfter", JobKind::assets, {"search:429:1"}, Expect::exact},
      {"Search429WithoutRetryAfter", JobKind::assets, {"search:429-no-retry-after"}, Expect::exact},
      {"KbResetBeforeHeaders", JobKind::kb, {"kb:reset-before-headers,nth=2"}, Expect::exact},
      {"DetectionResetMidBody",
       JobKind::vm,
       {"detection:reset-mid-body:1500,nth=2"},
       Expect::exact},
      {"SearchResetMidBody", JobKind::assets, {"search:reset-mid-body:800"}, Expect::exact},
      {"KbDocumentEndsEarly", JobKind::kb, {"kb:truncate:700,nth=2"}, Expect::exact},
      {"DetectionDocumentEndsEarly", JobKind::vm, {"detection:truncate:900"}, Expect::exact},
      {"SearchJsonEndsEarly", JobKind::assets, {"search:truncate:300,nth=2"}, Expect::exact},
      {"DetectionSilentServerHitsIdleTimeout",
       JobKind::vm,
       {"detection:hang,nth=2"},
       Expect::exact},
      {"CountSlowDripStaysAlive", JobKind::assets, {"count:slow-drip:20"}, Expect::exact},
      {"KbMalformedXmlOnce", JobKind::kb, {"kb:malformed,nth=2"}, Expect::exact},
      {"SearchMalformedJsonOnce", JobKind::assets, {"search:malformed"}, Expect::exact},
      {"DetectionInvalidUtf8Once", JobKind::vm, {"detection:invalid-utf8"}, Expect::exact},
      {"GatewayTokenRevokedMidPull", JobKind::assets, {"search:401,nth=3"}, Expect::exact},
      {"EveryGatewayTokenExpiresMidPull",
       JobKind::assets,
       {"search:expire-tokens,nth=2"},
       Expect::exact},
      // Fatal: a clean failure, previous files kept.
      {"KbAccountExpired2001", JobKind::kb, {"kb:2001"}, Expect::failed, "CODE 2001"},
      {"DetectionAccountExpired2001",
       JobKind::vm,
       {"detection:2001,nth=2"},
       Expect::failed,
       "CODE 2001"},
      {"KbApi401", JobKind::kb, {"kb:401"}, Expect::failed, "rejected"},
      {"GatewayLogin401", JobKind::assets, {"auth:401"}, Expect::failed, "rejected the login"},
      {"CsamResponseCodeFailed",
       JobKind::assets,
       {"search:csam-failed,nth=2"},
       Expect::failed,
       "FAILED"},
      {"CsamHasMoreWithEmptyPageForever",
       JobKind::assets,
       {"search:csam-empty-has-more,nth=2,times=forever"},
       Expect::failed,
       "hasMore=1"},
      {"CsamCursorDoesNotAdvance",
       JobKind::assets,
       {"search:csam-stuck-cursor,nth=2"},
       Expect::failed,
       "cursor"},
      {"WarningUrlToAnotherHost",
       JobKind::vm,
       {"detection:foreign-warning-url"},
       Expect::failed,
       "refusing to follow"},
      {"KbHttp503Forever",
       JobKind::kb,
       {"kb:status:503,times=forever"},
       Expect::failed,
       "attempts"},
      {"Search429Forever",
       JobKind::assets,
       {"search:429-no-retry-after,times=forever"},
       Expect::failed,
       "attempts"},
      {"RateLimitWaitLongerThanAllowed",
       JobKind::vm,
       {"detection:409-1965:100000"},
       Expect::failed,
       "max_server_wait"},
      // Refused for its content: the same request would be refused again, so it is made once.
      {"KbUndeclaredEntityIsRefusedAtOnce",
       JobKind::kb,
       {"kb:entity,times=forever"},
       Expect::failed,
       "entity 'nbsp' is not expanded",
       one_window_at_a_time,
       {},
       SimulatedQualys::Certificate::valid,
       {{"kb", 1}}},
      {"KbEndlessTitleIsRefusedAtOnce",
       JobKind::kb,
       {"kb:endless-text,times=forever"},
       Expect::failed,
       "the text of <TITLE> longer than 4194304 bytes",
       one_window_at_a_time,
       {},
       SimulatedQualys::Certificate::valid,
       {{"kb", 1}}},
      // X-RateLimit-Remaining at qualys.rate_limit_reserve: every call pauses the next one, by
      // 90 s uncapped (3600 / (3 + 1) / 10); capped at max_server_wait, the run completes.
      {"RateLimitReserveReachedOnEveryCall",
       JobKind::vm,
       {"any:low-remaining:3,times=forever"},
       Expect::exact,
       "",
       [](config::Config& c) {
         c.qualys.max_server_wait = 200ms;
         c.jobs.vm.timeout = 10s;
       }},
      // The same 90 s pause within the cap, but past the deadline: a failure at once that says
      // so, not a timeout with nothing fetched.
      {"RateLimitReservePauseOutlastsTheDeadline",
       JobKind::vm,
       {"any:low-remaining:3,times=forever"},
       Expect::failed,
       "past the job's deadline",
       [](config::Config& c) {
         c.qualys.max_server_wait = 10min;
         c.jobs.vm.timeout = 10s;
       }},
      {"KbMalformedXmlForever",
       JobKind::kb,
       {"kb:malformed,times=forever"},
       Expect::failed,
       "malformed"},
      {"SearchHttp400", JobKind::assets, {"search:status:400"}, Expect::failed, "HTTP 400"},
      // A redirect is never followed (it could send credentials elsewhere): the run fails.
      {"KbRedirectIsNotFollowed", JobKind::kb, {"kb:status:302"}, Expect::failed, "HTTP 302"},
      {"SearchBodyOverTheSizeCap",
       JobKind::assets,
       {"search:huge-body"},
       Expect::failed,
       "exceeds",
       [](config::Config& c) { c.qualys.max_body_bytes = 1 << 20; }},
      {"CsamCountFarFromTheAssetsServed",
       JobKind::assets,
       {"count:count-skew:10"},
       Expect::failed,
       "CSAM counted 35"},
      {"CsamCountWithinTolerance",
       JobKind::assets,
       {"count:count-skew:1"},
       Expect::exact,
       "",
       [](config::Config& c) { c.jobs.assets.count_tolerance = 0.05; }},
      // The network and TLS around Qualys.
      {"ConnectionRefused",
       JobKind::kb,
       {},
       Expect::failed,
       "attempts",
       [](config::Config& c) {
         c.qualys.api_url = "https://localhost:1";
         c.qualys.max_attempts = 2;
       }},
      {"HostNameDoesNotResolve",
       JobKind::vm,
       {},
       Expect::failed,
       "attempts",
       [](config::Config& c) {
         c.qualys.api_url = "https://qualysapi.example.invalid";
         c.qualys.max_attempts = 2;
       }},
      {"CertificateForAnotherName",
       JobKind::kb,
       {},
       Expect::failed,
       "certificate verification failed",
       [](config::Config& c) {
         // 127.0.0.2 is loopback too, but the simulator's certificate names only
         // localhost and 127.0.0.1.
         c.qualys.api_url.replace(c.qualys.api_url.find("localhost"), 9, "127.0.0.2");
       },
       [](sim::SimulatorOptions& o) { o.bind_address = "127.0.0.2"; }},
      {"CertificateFromAnUnknownCa",
       JobKind::assets,
       {},
       Expect::failed,
       "certificate verification failed",
       [](config::Config& c) { c.qualys.ca_file = write_foreign_ca(); }},
      {"ProxyRefusesConnect",
       JobKind::kb,
       {},
       Expect::failed,
       "proxy refused CONNECT",
       [](config::Config& c) { c.qualys.proxy = refusing_proxy_url(); }},
      {"ExpiredCertificate",
       JobKind::vm,
       {},
       Expect::failed,
       "certificate verification failed",
       {},
       {},
       SimulatedQualys::Certificate::expired},
      {"SlowDripOutlivesTheDeadline",
       JobKind::kb,
       {"kb:slow-drip:20,times=forever"},
       Expect::timed_out,
       "timeout",
       [](config::Config& c) { c.jobs.kb.timeout = 1500ms; }},
      // The deadline holds while a fast, endless, well-formed body keeps the parser busy.
      {"KbEndlessFastBodyOutlivesTheDeadline",
       JobKind::kb,
       {"kb:endless-keep-alive,times=forever"},
       Expect::timed_out,
       "timeout",
       [](config::Config& c) { c.jobs.kb.timeout = 1500ms; }},
      // Hostile sizes end the run at a documented limit, not when memory runs out.
      {"SearchEndlessString",
       JobKind::assets,
       {"search:endless-string,times=forever"},
       Expect::failed,
       "a JSON string or number longer than 1048576 bytes"},
      {"KbEndlessHeader",
       JobKind::kb,
       {"kb:endless-header,times=forever"},
       Expect::failed,
       "is longer than 65536 bytes (the limit for the status line and all header fields)"},
      {"KbSilentServerOutlivesTheDeadline",
       JobKind::kb,
       {"kb:hang,times=forever"},
       Expect::timed_out,
       "timeout",
       [](config::Config& c) {
         c.qualys.idle_read_timeout = 10s;
         c.jobs.kb.timeout = 1500ms;
       }},
  };
  return cases;
}

std::vector<std::string_view> files_of(JobKind kind) {
  switch (kind) {
    case JobKind::assets:
      return {jobs::kAssetsFile};
    case JobKind::kb:
      return {jobs::kVulnKbFile, jobs::kCveFile};
    case JobKind::vm:
      return {jobs::kVmFile};
    case JobKind::insight:  // publishes nothing
      break;
  }
  return {};
}

class FaultMatrix : public ::testing::TestWithParam<FaultCase> {};

TEST_P(FaultMatrix, EndsInTheExactResultOrACleanFailure) {
  const auto& c = GetParam();
  auto options = small_subscription_options({.seed = 7, .password = kHostilePassword});
  if (c.simulator) c.simulator(options);
  SimulatedQualys simulated(options, c.certificate);
  TempDir dir;
  auto config = test_config(simulated, dir.path());
  if (c.adjust) c.adjust(config);
  if (config.qualys.gateway_url != config.qualys.api_url &&
      config.qualys.gateway_url.find("localhost") != std::string::npos) {
    config.qualys.gateway_url = config.qualys.api_url;  // environment cases move both hosts
  }
  // The previous publication, which a failed run must leave byte-identical.
  for (auto file : files_of(c.job)) {
    std::ofstream(config.output.dir / file) << "\"previous\",\"" << file << "\"\n";
  }
  for (const auto& spec : c.faults) simulated.simulator().add_fault(sim::parse_fault_spec(spec));

  LogCapture logs;
  auto outcome = run_one_job(c.job, config, {options.username, options.password, ""});

  if (c.expect == Expect::exact) {
    ASSERT_EQ(outcome.status, RunStatus::succeeded) << outcome.error;
    TempDir expected;
    sim::write_expected_csv(options.data, expected.path());
    for (auto file : files_of(c.job)) {
      EXPECT_EQ(read_file(config.output.dir / file), read_file(expected.path() / file)) << file;
    }
    EXPECT_GE(simulated.simulator().stats().faults_fired, 1u) << "the fault never fired";
  } else {
    EXPECT_EQ(outcome.status, c.expect == Expect::failed ? RunStatus::failed : RunStatus::timed_out)
        << outcome.error;
    EXPECT_TRUE(boost::algorithm::icontains(outcome.error, c.error_contains))
        << "error was: " << outcome.error;
    if (c.expect == Expect::timed_out) {
      const auto late =
          outcome.finished - outcome.started - jobs::schedule_of(config, c.job).timeout;
      // 2 s, not 0: the in-process simulator shares the test's thread, and a loaded CI machine
      // (2 cores, two test processes) delays both. The stall this guards against was 30 s.
      EXPECT_LT(late, 2s) << "the run ended "
                          << std::chrono::duration_cast<std::chrono::milliseconds>(late).count()
                          << " ms after its deadline";
    }
    for (auto file : files_of(c.job)) {
      EXPECT_EQ(read_file(config.output.dir / file), "\"previous\",\"" + std::string(file) + "\"\n")
          << file << " was touched by a failed run";
    }
  }
  for (const auto& [endpoint, count] : c.requests) {
    EXPECT_EQ(simulated.simulator().stats().requests[endpoint], count) << endpoint << " requests";
  }
  std::size_t csv_files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(config.output.dir)) {
    EXPECT_NE(entry.path().filename().string().front(), '.') << "temp file left: " << entry.path();
    if (entry.path().extension() == ".csv") ++csv_files;
  }
  EXPECT_EQ(csv_files, files_of(c.job).size());
  // The manifest describes a publication: there is one exactly when the run published.
  EXPECT_EQ(std::filesystem::exists(config.output.dir / "manifest.json"),
            c.expect == Expect::exact);
  EXPECT_EQ(logs.text().find(std::string(kHostilePassword)), std::string::npos);
  EXPECT_EQ(logs.text().find("Pr0xy"), std::string::npos) << "the proxy password reached the log";
  EXPECT_EQ(logs.text().find("Bearer"), std::string::npos);
  EXPECT_EQ(logs.text().find("eyJ"), std::string::npos) << "a JWT reached the log";
}

INSTANTIATE_TEST_SUITE_P(Faults, FaultMatrix, ::testing::ValuesIn(fault_cases()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace qi::testing
