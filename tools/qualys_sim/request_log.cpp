#include "qualys_sim/request_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string_view>

#include "qualys_sim/sim_util.hpp"

namespace qi::sim {
namespace {

struct Log {
  std::mutex mu;
  int fd = -1;
  std::chrono::steady_clock::time_point opened;
};

Log& the_log() {
  static Log log;
  return log;
}

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  append_json_escaped(out, s);
  out += '"';
}

// a=1&password=secret&b=2 -> a=1&password=REDACTED&b=2 (form bodies and query strings).
std::string redact_password(std::string_view form) {
  std::string out;
  std::size_t start = 0;
  while (start <= form.size()) {
    std::size_t end = form.find('&', start);
    if (end == std::string_view::npos) end = form.size();
    const std::string_view field = form.substr(start, end - start);
    if (start > 0) out += '&';
    out += field.starts_with("password=") ? std::string_view("password=REDACTED") : field;
    start = end + 1;
  }
  return out;
}

}  // namespace

void open_request_log(const std::filesystem::path& file) {
  Log& log = the_log();
  std::lock_guard lock(log.mu);
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::runtime_error("--request-log: cannot open " + file.string() + ": " +
                             std::strerror(errno));
  }
  if (log.fd >= 0) ::close(log.fd);
  log.fd = fd;
  log.opened = std::chrono::steady_clock::now();
}

std::string request_log_line(const RecordedRequest& request, long long ms) {
  std::string out = "{\"ms\":" + std::to_string(ms) + ",\"endpoint\":";
  append_json_string(out, request.endpoint);
  out += ",\"method\":";
  append_json_string(out, request.method);
  const auto question = request.target.find('?');
  out += ",\"target\":";
  append_json_string(
      out, question == std::string::npos
               ? request.target
               : request.target.substr(0, question + 1) +
                     redact_password(std::string_view(request.target).substr(question + 1)));
  out += ",\"content_type\":";
  append_json_string(out, request.header("Content-Type"));
  const std::string authorization = request.header("Authorization");
  out += ",\"authorization\":";
  append_json_string(out, std::string_view(authorization).substr(0, authorization.find(' ')));
  out += ",\"headers\":{";
  bool first = true;
  for (const auto& [name, value] : request.headers) {
    bool skipped = false;
    for (const char* omitted : {"Host", "Content-Type", "Content-Length", "Authorization",
                                "Proxy-Authorization", "Cookie"}) {
      skipped = skipped || same_name(name, omitted);
    }
    if (skipped) continue;
    if (!first) out += ',';
    first = false;
    append_json_string(out, name);
    out += ':';
    append_json_string(out, value);
  }
  out += "},\"body\":";
  const bool json = request.header("Content-Type").starts_with("application/json");
  append_json_string(out, json ? request.body : redact_password(request.body));
  out += '}';
  return out;
}

void log_request(const RecordedRequest& request) {
  Log& log = the_log();
  std::lock_guard lock(log.mu);
  if (log.fd < 0) return;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - log.opened);
  const std::string line = request_log_line(request, ms.count()) + "\n";
  // One write per line on an O_APPEND descriptor: lines never interleave, and a reader sees
  // each request as soon as it arrived.
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(log.fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a full disk must not take the simulator down
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace qi::sim
