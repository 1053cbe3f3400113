#include "logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "journald_sink.hpp"

namespace qi::daemon {

void setup_logging() {
  std::shared_ptr<spdlog::logger> logger;
  if (stderr_goes_to_journal()) {
    // The journal adds its own timestamp and identifier; the fields go along as journal fields.
    logger = std::make_shared<spdlog::logger>("qualys-insightd", std::make_shared<JournaldSink>());
  } else {
    logger = spdlog::stderr_logger_st("qualys-insightd");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
  }
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void set_log_level(std::string_view level) {
  spdlog::set_level(spdlog::level::from_str(std::string(level)));
}

}  // namespace qi::daemon
