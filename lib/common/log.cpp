#include "common/log.hpp"

namespace qi::log {

namespace {

// The fields of the write() in progress on this thread. Set and cleared around one synchronous
// spdlog call, so no sink ever sees another message's fields; spdlog's sink interface has no
// place for them (spdlog 1.10 has no structured fields).
thread_local std::span<const Field> fields_in_flight;

}  // namespace

void write(spdlog::level::level_enum level, std::string_view message,
           std::initializer_list<Field> fields) {
  struct Scope {
    explicit Scope(std::span<const Field> fields) { fields_in_flight = fields; }
    ~Scope() { fields_in_flight = {}; }
  } scope{std::span<const Field>(fields.begin(), fields.size())};
  spdlog::default_logger_raw()->log(level, "{}", message);
}

std::span<const Field> current_fields() {
  return fields_in_flight;
}

}  // namespace qi::log
