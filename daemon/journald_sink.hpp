// An spdlog sink that sends each message to the systemd journal with its structured fields
// (qi::log::current_fields) and a PRIORITY mapped from the level.
#pragma once

#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>

namespace qi::daemon {

class JournaldSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}
};

// True when stderr is connected to the journal (JOURNAL_STREAM names stderr's device and inode)
// or when systemd started us (INVOCATION_ID) and the journal socket exists.
bool stderr_goes_to_journal();

// syslog priority for an spdlog level (debug 7 ... critical 2).
int journal_priority(spdlog::level::level_enum level);

}  // namespace qi::daemon
