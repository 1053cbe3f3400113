// Responses shared by every endpoint: the status/limit/auth faults of the fault matrix, with the
// bodies and headers the real API uses (docs/qualys-api.md §7, simple_return_19*.xml,
// docs/qualys-api.md §7.1).
#include "qualys_sim/core.hpp"
#include "qualys_sim/render.hpp"

namespace qi::sim {

Headers plain_headers(std::string_view content_type) {
  return {{"Server", "qualys-sim"},
          {"Content-Type", std::string(content_type)},
          {"Keep-Alive", "timeout=300, max=251"},
          {"Connection", "Keep-Alive"},
          {"x-powered-by", "Qualys:SIMPOD1:00000000-0000-0000-0000-000000000000:sim"}};
}

BodyFaults body_faults_of(const std::optional<FaultRule>& fault) {
  BodyFaults f;
  if (!fault) return f;
  switch (fault->kind) {
    case FaultKind::reset_mid_body:
      f.reset_after = fault->after_bytes;
      break;
    case FaultKind::truncate:
      f.truncate_after = fault->after_bytes;
      break;
    case FaultKind::slow_drip:
      f.drip = fault->interval;
      break;
    default:
      break;
  }
  return f;
}

ResponseWriter make_writer(Exchange& ex) {
  ResponseWriter writer(ex.stream, ex.core.options().latency, body_faults_of(ex.fault),
                        ex.core.bytes_counter());
  writer.set_keep_alive(ex.request.keep_alive());
  return writer;
}

namespace {

bool is_v2(Endpoint e) {
  return e == Endpoint::kb || e == Endpoint::detection || e == Endpoint::hostlist;
}

Headers with(Headers base, const Headers& more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

std::string bearer_of(const Request& request) {
  const std::string_view value = request[http::field::authorization];
  return value.starts_with("Bearer ") ? std::string(value.substr(7)) : std::string{};
}

}  // namespace

asio::awaitable<bool> answer_generic_fault(Exchange& ex, ResponseWriter& writer) {
  if (!ex.fault) co_return false;
  const FaultRule& f = *ex.fault;
  const bool v2 = is_v2(ex.endpoint);
  const Headers xml = plain_headers("application/xml");
  const int limit =
      ex.core.options().concurrency_limit > 0 ? ex.core.options().concurrency_limit : 2;
  switch (f.kind) {
    case FaultKind::http_status: {
      const Headers base =
          v2 ? with(xml, ex.core.rate_limit_headers(true)) : plain_headers("text/html");
      if (v2 && f.status == 500) {
        co_await writer.send(500, base, generic_return_internal_error());
      } else {
        const std::string reason(http::obsolete_reason(static_cast<http::status>(f.status)));
        co_await writer.send(
            static_cast<unsigned>(f.status), with(plain_headers("text/html"), {}),
            "<html><head><title>" + std::to_string(f.status) + " " + reason +
                "</title></head><body><h1>" + reason +
                "</h1><p>The service is temporarily unavailable.</p></body></html>\n");
      }
      co_return true;
    }
    case FaultKind::concurrency_409: {
      // No ToWait/Remaining on the concurrency 409
      // (guide_409_concurrency_limit_exceeded_no_towait).
      Headers h = {{"x-ratelimit-limit", "300"},
                   {"x-ratelimit-window-sec", "3600"},
                   {"x-concurrency-limit-limit", std::to_string(limit)},
                   {"x-concurrency-limit-running", std::to_string(limit)}};
      co_await writer.send(
          409, with(xml, h),
          simple_return_409(
              "1960",
              "This API cannot be run again until 1 currently running API instance has finished.",
              "CALLS_TO_FINISH", "1"));
      co_return true;
    }
    case FaultKind::rate_limit_409:
    case FaultKind::rate_limit_409_no_header: {
      Headers h = {{"x-ratelimit-limit", "300"},
                   {"x-ratelimit-window-sec", "3600"},
                   {"x-concurrency-limit-limit", std::to_string(limit)},
                   {"x-concurrency-limit-running", "0"}};
      if (f.kind == FaultKind::rate_limit_409) {
        h.emplace_back("x-ratelimit-towait-sec", std::to_string(f.seconds));
        h.emplace_back("x-ratelimit-remaining", "0");
      }
      co_await writer.send(409, with(xml, h),
                           simple_return_409("1965",
                                             "This API cannot be run again for another " +
                                                 std::to_string(f.seconds) + " seconds.",
                                             "SECONDS_TO_WAIT", std::to_string(f.seconds)));
      co_return true;
    }
    case FaultKind::too_many_429:
    case FaultKind::too_many_429_bare: {
      Headers h = plain_headers("application/json");
      if (f.kind == FaultKind::too_many_429)
        h.emplace_back("Retry-After", std::to_string(f.seconds));
      co_await writer.send(
          429, h,
          "{\"responseCode\":\"TOO_MANY_REQUESTS\",\"responseMessage\":\"Rate limit exceeded\"}");
      co_return true;
    }
    case FaultKind::expire_all_tokens:
      ex.core.expire_all_tokens();
      if (ex.endpoint != Endpoint::search && ex.endpoint != Endpoint::count) co_return false;
      [[fallthrough]];
    case FaultKind::unauthorized_401:
      if (v2) {
        ex.core.count(&Stats::basic_auth_failed);
        co_await writer.send(401, xml, simple_return("", "Bad Login/Password", {}, ex.host, true));
      } else {
        if (ex.endpoint == Endpoint::auth) ex.core.count(&Stats::gateway_logins_failed);
        ex.core.revoke_token(bearer_of(ex.request));
        co_await writer.send(
            401, plain_headers("application/json"),
            "{\"responseCode\":\"UNAUTHORIZED\",\"responseMessage\":\"Token expired or invalid\"}");
      }
      co_return true;
    case FaultKind::account_expired_2001:
      // HTTP 200 and no rate-limit headers (docs/qualys-api.md §2.2, simple_return_2001.xml).
      co_await writer.send(200, plain_headers("text/xml;charset=UTF-8"),
                           simple_return("2001", "This account has expired.", {}, ex.host, true));
      co_return true;
    default:
      co_return false;
  }
}

}  // namespace qi::sim
