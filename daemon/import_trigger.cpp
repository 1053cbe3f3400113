#include "import_trigger.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace qi::daemon {

ImportTrigger::Action ImportTrigger::publication_finished(const jobs::RunOutcome& outcome,
                                                          bool import_running) {
  if (!jobs::job_definition(outcome.kind).pulls_from_qualys) return Action::nothing;
  if (outcome.status != jobs::RunStatus::succeeded) return Action::nothing;
  if (!import_running) return Action::import_now;
  pending_ = true;
  return Action::import_later;
}

bool ImportTrigger::import_finished() {
  const bool again = pending_;
  pending_ = false;
  return again;
}

ImportTrigger::Wait ImportTrigger::wait_for(const std::vector<std::string>& missing) {
  if (missing.empty()) {
    waiting_ = false;
    return {};
  }
  if (waiting_) return {true, {}};
  waiting_ = true;
  return {true,
          fmt::format("waiting for {} to be published before importing", fmt::join(missing, ", "))};
}

}  // namespace qi::daemon
