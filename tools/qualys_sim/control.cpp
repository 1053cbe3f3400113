#include "qualys_sim/control.hpp"

#include <sstream>

#include "qualys_sim/expected_csv.hpp"

namespace qi::sim {

std::string Stats::to_json() const {
  std::string out = "{\"requests\":" + counts_json(requests);
  out += ",\"gateway_logins_ok\":" + std::to_string(gateway_logins_ok) +
         ",\"gateway_logins_failed\":" + std::to_string(gateway_logins_failed) +
         ",\"basic_auth_ok\":" + std::to_string(basic_auth_ok) +
         ",\"basic_auth_failed\":" + std::to_string(basic_auth_failed) +
         ",\"body_bytes_sent\":" + std::to_string(body_bytes_sent) +
         ",\"connections\":" + std::to_string(connections) +
         ",\"faults_fired\":" + std::to_string(faults_fired) +
         ",\"dtd_fetches\":" + std::to_string(dtd_fetches) +
         ",\"concurrency_rejections\":" + std::to_string(concurrency_rejections) + "}\n";
  return out;
}

// ---- gateway tokens: JWT-shaped (header.payload.signature, base64url) with an exp claim ----

std::string SimulatorCore::issue_token() {
  const auto now = std::chrono::system_clock::now();
  const auto iat = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const auto exp = iat + options_.token_lifetime.count();
  std::lock_guard lock(mu_);
  const std::uint64_t serial = ++token_serial_;
  const std::string header = R"({"alg":"HS256","typ":"JWT"})";
  const std::string payload = "{\"sub\":\"" + options_.username +
                              "\",\"iss\":\"qualys-sim\",\"iat\":" + std::to_string(iat) +
                              ",\"exp\":" + std::to_string(exp) + ",\"jti\":\"" +
                              std::to_string(serial) + "\"}";
  std::string signature(32, '\0');
  for (std::size_t i = 0; i < signature.size(); i += 8) {
    const std::uint64_t h = mix64(serial, 77, static_cast<std::uint64_t>(iat), i);
    for (std::size_t b = 0; b < 8; ++b) signature[i + b] = static_cast<char>(h >> (8 * b));
  }
  std::string token = base64_encode(header, true) + "." + base64_encode(payload, true) + "." +
                      base64_encode(signature, true);
  tokens_[token] = std::chrono::system_clock::time_point(std::chrono::seconds(exp));
  return token;
}

bool SimulatorCore::token_valid(const std::string& token) {
  std::lock_guard lock(mu_);
  const auto it = tokens_.find(token);
  if (it == tokens_.end()) return false;
  if (std::chrono::system_clock::now() >= it->second) {
    tokens_.erase(it);
    return false;
  }
  return true;
}

void SimulatorCore::revoke_token(const std::string& token) {
  std::lock_guard lock(mu_);
  tokens_.erase(token);
}

void SimulatorCore::expire_all_tokens() {
  std::lock_guard lock(mu_);
  tokens_.clear();
}

// ---- generations ----

DataSpec SimulatorCore::data() const {
  std::lock_guard lock(mu_);
  return data_;
}

GenerationStep SimulatorCore::mutate() {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::lock_guard lock(mu_);
  const int generation = append_generation(data_, now);
  return {generation, data_.generation_times.back()};
}

// ---- /__sim/... ----

namespace {

struct ControlAnswer {
  unsigned status = 200;
  std::string content_type = "text/plain";
  std::string body;
};

std::string generation_json(const GenerationStep& step) {
  return "{\"generation\":" + std::to_string(step.generation) + ",\"time\":\"" + step.time +
         "\"}\n";
}

std::string generations_json(const DataSpec& spec) {
  std::string out = "{\"generation\":" + std::to_string(generation_of(spec)) + ",\"times\":[";
  for (std::size_t k = 0; k < spec.generation_times.size(); ++k) {
    out += (k ? ",\"" : "\"") + spec.generation_times[k] + "\"";
  }
  return out + "]}\n";
}

// POST /__sim/write-expected?dir=DIR[&status=...&show_igs=1...]: the oracle of the current
// generation, vm.csv for the detection parameters given (as --expected-hld-params).
ControlAnswer write_expected(SimulatorCore& core, const Request& request) {
  const std::string target(request.target());
  const auto question = target.find('?');
  Params params =
      parse_form(question == std::string::npos ? std::string_view{}
                                               : std::string_view(target).substr(question + 1));
  for (auto& kv : parse_form(request.body())) params.push_back(std::move(kv));
  const auto dir = param(params, "dir");
  if (!dir || dir->empty()) return {400, "text/plain", "write-expected needs dir=DIRECTORY\n"};
  std::string bad;
  const DetectionFilter filter = detection_filter_from(params, &bad);
  if (!bad.empty()) {
    return {400, "text/plain", "write-expected: parameter " + bad + " has an invalid value\n"};
  }
  const DataSpec spec = core.data();
  try {
    write_expected_csv(spec, *dir, filter);
  } catch (const std::exception& e) {
    return {500, "text/plain", std::string("write-expected: ") + e.what() + "\n"};
  }
  return {200, "application/json", generations_json(spec)};
}

// Plain (non-coroutine) so that no branch-local state lives in the coroutine frame.
ControlAnswer control_answer(SimulatorCore& core, const Request& request, const std::string& path) {
  if (path == "/__sim/stats" && request.method() == http::verb::get) {
    return {200, "application/json", core.stats().to_json()};
  }
  if (path == "/__sim/faults" && request.method() == http::verb::post) {
    std::vector<FaultRule> rules;
    std::istringstream lines(request.body());
    try {
      for (std::string line; std::getline(lines, line);) {
        if (line.find_first_not_of(" \t\r") == std::string::npos || line.starts_with("#")) continue;
        rules.push_back(parse_fault_spec(line));
      }
    } catch (const std::invalid_argument& e) {
      return {400, "text/plain", std::string(e.what()) + "\n"};
    }
    for (auto& rule : rules) core.add_fault(std::move(rule));
    return {200, "text/plain", std::to_string(rules.size()) + " fault rule(s) added\n"};
  }
  if (path == "/__sim/faults" && request.method() == http::verb::delete_) {
    core.clear_faults();
    return {200, "text/plain", "faults cleared\n"};
  }
  if (path == "/__sim/expire-tokens" && request.method() == http::verb::post) {
    core.expire_all_tokens();
    return {200, "text/plain", "all gateway tokens expired\n"};
  }
  if (path == "/__sim/mutate" && request.method() == http::verb::post) {
    return {200, "application/json", generation_json(core.mutate())};
  }
  if (path == "/__sim/generation" && request.method() == http::verb::get) {
    return {200, "application/json", generations_json(core.data())};
  }
  if (path == "/__sim/write-expected" && request.method() == http::verb::post) {
    return write_expected(core, request);
  }
  return {404, "text/plain", "unknown control endpoint\n"};
}

}  // namespace

asio::awaitable<void> handle_control(SimulatorCore& core, Stream& stream, const Request& request,
                                     const std::string& path) {
  const ControlAnswer answer = control_answer(core, request, path);
  const Headers headers = plain_headers(answer.content_type);
  ResponseWriter writer(stream, Latency{}, BodyFaults{}, core.bytes_counter());
  writer.set_keep_alive(request.keep_alive());
  co_await writer.send(answer.status, headers, answer.body);
}

}  // namespace qi::sim
