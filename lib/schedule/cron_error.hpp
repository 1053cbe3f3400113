// The one exception a cron expression can raise while it is parsed. The scheduler and the config
// loader turn it into a ConfigError naming the file and the job's `schedule` key; what() already
// names the field (index and name) and the offending token, e.g.
//   field 3 (day-of-month) '32': value out of range 1-31
#pragma once

#include <stdexcept>
#include <string>

namespace qi::schedule {

class CronError : public std::invalid_argument {
 public:
  CronError(int field_index, const std::string& what)
      : std::invalid_argument(what), field_index_(field_index) {}

  // 0-based index of the offending field in the expression as written (a 6-field expression
  // counts its leading seconds field as 0). Errors about the whole expression (empty text,
  // a nickname) report 0; a wrong field count reports the first missing or first extra field.
  int field_index() const { return field_index_; }

 private:
  int field_index_;
};

}  // namespace qi::schedule
