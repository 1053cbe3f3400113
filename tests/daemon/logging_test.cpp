#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>

#include "common/log.hpp"
#include "journald_sink.hpp"

namespace qi::daemon {
namespace {

// Records the message and the structured fields visible to sinks during the call.
class FieldRecordingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::string message;
  std::vector<std::pair<std::string, std::string>> fields;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    message.assign(msg.payload.data(), msg.payload.size());
    fields.clear();
    for (const auto& f : log::current_fields()) fields.emplace_back(std::string(f.name), f.value);
  }
  void flush_() override {}
};

TEST(StructuredLogging, SinksSeeTheFieldsOfTheMessageBeingWritten) {
  auto sink = std::make_shared<FieldRecordingSink>();
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  log::info("kb: run started", {{"JOB", "kb"}, {"RUN_ID", "kb-1"}});
  spdlog::set_default_logger(previous);
  EXPECT_EQ(sink->message, "kb: run started");
  ASSERT_EQ(sink->fields.size(), 2u);
  EXPECT_EQ(sink->fields[0], (std::pair<std::string, std::string>{"JOB", "kb"}));
  EXPECT_EQ(sink->fields[1].second, "kb-1");
  EXPECT_TRUE(log::current_fields().empty());
}

TEST(StructuredLogging, PlainSpdlogCallsCarryNoFields) {
  auto sink = std::make_shared<FieldRecordingSink>();
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  log::info("with", {{"JOB", "vm"}});
  spdlog::info("without");
  spdlog::set_default_logger(previous);
  EXPECT_EQ(sink->message, "without");
  EXPECT_TRUE(sink->fields.empty());
}

TEST(JournaldSink, MapsLevelsToSyslogPriorities) {
  EXPECT_EQ(journal_priority(spdlog::level::debug), 7);
  EXPECT_EQ(journal_priority(spdlog::level::info), 6);
  EXPECT_EQ(journal_priority(spdlog::level::warn), 4);
  EXPECT_EQ(journal_priority(spdlog::level::err), 3);
  EXPECT_EQ(journal_priority(spdlog::level::critical), 2);
}

TEST(JournaldSink, RecognisesStderrAsTheJournalStreamOnlyWhenDeviceAndInodeMatch) {
  struct stat st {};
  ASSERT_EQ(::fstat(STDERR_FILENO, &st), 0);
  const std::string matching = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  const char* invocation = std::getenv("INVOCATION_ID");
  ::unsetenv("INVOCATION_ID");
  ::setenv("JOURNAL_STREAM", matching.c_str(), 1);
  EXPECT_TRUE(stderr_goes_to_journal());
  ::setenv("JOURNAL_STREAM", "1:2", 1);
  EXPECT_FALSE(stderr_goes_to_journal());
  ::unsetenv("JOURNAL_STREAM");
  EXPECT_FALSE(stderr_goes_to_journal());
  if (invocation) ::setenv("INVOCATION_ID", invocation, 1);
}

}  // namespace
}  // namespace qi::daemon
