// One field of a cron expression (minute, hour, ...) parsed into the set of values it selects.
// The grammar is Vixie cron's (cronie's entry.c): a comma list of `*`, `N`, `N-M`, each with an
// optional `/STEP`, plus `N/STEP` meaning N-max/STEP (BSD cron's reading; cronie itself rejects
// it). Owned by CronExpression; nothing else needs it.
#pragma once

#include <bit>
#include <cstdint>
#include <string_view>

namespace qi::schedule {

enum class CronFieldKind { second, minute, hour, day_of_month, month, day_of_week };

std::string_view cron_field_name(CronFieldKind kind);

struct CronField {
  // Bit v is set when value v is selected. Day-of-week uses 0-6 (Sunday is 0): a 7 written
  // by the user is folded onto 0, as cron does ("make sundays equivalent").
  std::uint64_t bits = 0;
  // The field's text begins with '*'. cronie decides the day-of-month/day-of-week rule on this
  // (its DOM_STAR/DOW_STAR flags), not on the values: `*/2` counts as unrestricted there while
  // `1-31/2` does not.
  bool starts_with_star = false;

  bool test(int value) const { return value >= 0 && value < 64 && ((bits >> value) & 1U) != 0; }
  int count() const { return std::popcount(bits); }

  // The smallest selected value >= from, or -1 when there is none.
  int next_at_or_after(int from) const {
    if (from < 0) from = 0;
    if (from >= 64) return -1;
    const std::uint64_t rest = bits >> from;
    return rest == 0 ? -1 : from + std::countr_zero(rest);
  }
};

// Parses the text of one field; throws CronError naming field_index, the field's name and the
// offending token.
CronField parse_cron_field(std::string_view text, CronFieldKind kind, int field_index);

}  // namespace qi::schedule
