#include "journald_sink.hpp"

#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/log.hpp"

namespace qi::daemon {

int journal_priority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return 7;
    case spdlog::level::info:
      return 6;
    case spdlog::level::warn:
      return 4;
    case spdlog::level::err:
      return 3;
    case spdlog::level::critical:
      return 2;
    default:
      return 6;
  }
}

void JournaldSink::sink_it_(const spdlog::details::log_msg& msg) {
  std::vector<std::string> entries;
  entries.reserve(8);
  entries.push_back("MESSAGE=" + std::string(msg.payload.data(), msg.payload.size()));
  entries.push_back("PRIORITY=" + std::to_string(journal_priority(msg.level)));
  entries.emplace_back("SYSLOG_IDENTIFIER=qualys-insightd");
  for (const auto& field : log::current_fields()) {
    entries.push_back(std::string(field.name) + "=" + field.value);
  }
  std::vector<iovec> iov;
  iov.reserve(entries.size());
  for (auto& entry : entries) iov.push_back({entry.data(), entry.size()});
  ::sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
}

bool stderr_goes_to_journal() {
  if (const char* stream = std::getenv("JOURNAL_STREAM")) {
    unsigned long long device = 0, inode = 0;
    struct stat st {};
    if (std::sscanf(stream, "%llu:%llu", &device, &inode) == 2 &&
        ::fstat(STDERR_FILENO, &st) == 0 && st.st_dev == device && st.st_ino == inode) {
      return true;
    }
  }
  return std::getenv("INVOCATION_ID") != nullptr &&
         ::access("/run/systemd/journal/socket", W_OK) == 0;
}

}  // namespace qi::daemon
