// The project's error types. The one error-handling style (docs/architecture.md):
//  - I/O code reports expected failures as boost::system::error_code (asio::as_tuple) and turns
//    them, at its own boundary, into one of the exceptions below;
//  - TransientError: the same request may succeed if repeated (network, 5xx, 409 1960/1965, 429,
//    truncated document). The retry loop in qualys/ catches only this type.
//  - FatalError: the job cannot continue (bad credentials, 4xx, SIMPLE_RETURN 2001, bad data).
//    RefusedDocument, a FatalError, is a body refused for its content (an entity reference, a
//    construct over a parser limit): the retry loop names the request and does not repeat it.
//  - ConfigError: a configuration or credentials problem, naming file, key and reason.
// Messages never contain secrets: callers pass redacted URLs (path only) and never a body that
// might echo a password.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

namespace qi {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Why a request may succeed if repeated, as operators count retries (metrics): Qualys's rate
// limit (409 CODE 1965, 429, and any wait the server asks for), its concurrency limit (409 CODE
// 1960), a server error (5xx, CODE 999), or the network (transport errors and timeouts, bodies
// cut short or malformed, and the rare page a job refuses as inconsistent).
enum class TransientCause { rate_limit, concurrency, server_error, network };
inline constexpr std::array kTransientCauses = {
    TransientCause::rate_limit, TransientCause::concurrency, TransientCause::server_error,
    TransientCause::network};

class TransientError : public Error {
 public:
  // A server-requested wait makes it a rate-limit failure, otherwise a network one.
  explicit TransientError(const std::string& what,
                          std::optional<std::chrono::milliseconds> wait_hint = std::nullopt)
      : Error(what),
        wait_hint_(wait_hint),
        cause_(wait_hint ? TransientCause::rate_limit : TransientCause::network) {}
  TransientError(const std::string& what, TransientCause cause,
                 std::optional<std::chrono::milliseconds> wait_hint = std::nullopt)
      : Error(what), wait_hint_(wait_hint), cause_(cause) {}

  // How long the server asked us to wait before trying again (Retry-After,
  // X-RateLimit-ToWait-Sec, SECONDS_TO_WAIT), when it said.
  std::optional<std::chrono::milliseconds> wait_hint() const { return wait_hint_; }
  TransientCause cause() const { return cause_; }

 private:
  std::optional<std::chrono::milliseconds> wait_hint_;
  TransientCause cause_;
};

class FatalError : public Error {
 public:
  explicit FatalError(const std::string& what, std::string qualys_code = {})
      : Error(what), qualys_code_(std::move(qualys_code)) {}

  // The Qualys CODE (SIMPLE_RETURN) or responseCode (CSAM/QPS) behind the failure, if any.
  const std::string& qualys_code() const { return qualys_code_; }

 private:
  std::string qualys_code_;
};

// A document refused for what it contains rather than for how it arrived: an entity reference,
// a construct over xml::ParserLimits, nesting too deep. Asking again would get the same content
// and the same refusal, so it is never retried; to everything but the retry loop it is a
// FatalError.
class RefusedDocument : public FatalError {
 public:
  using FatalError::FatalError;
};

class ConfigError : public Error {
 public:
  ConfigError(std::string file, std::string key, std::string reason)
      : Error(format(file, key, reason)),
        file_(std::move(file)),
        key_(std::move(key)),
        reason_(std::move(reason)) {}

  const std::string& file() const { return file_; }
  const std::string& key() const { return key_; }
  const std::string& reason() const { return reason_; }

 private:
  static std::string format(const std::string& file, const std::string& key,
                            const std::string& reason) {
    std::string out = file;
    if (!key.empty()) out += ": " + key;
    out += ": " + reason;
    return out;
  }

  std::string file_;
  std::string key_;
  std::string reason_;
};

}  // namespace qi
