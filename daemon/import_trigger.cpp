#include "import_trigger.hpp"

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

}  // namespace qi::daemon
