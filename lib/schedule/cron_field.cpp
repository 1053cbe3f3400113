#include "schedule/cron_field.hpp"

#include <array>
#include <cctype>
#include <optional>
#include <string>

#include "schedule/cron_error.hpp"

namespace qi::schedule {
namespace {

struct FieldSpec {
  int min;
  int max;                                        // day-of-week: 7, the second spelling of Sunday
  const std::array<std::string_view, 12>* names;  // names[i] is value i + min, or nullptr
  int name_count;
};

// Three-letter names only, as cron(5) says and cronie's get_number() implements
// (strcasecmp against the table): "mon" and "MON" work, "monday" does not.
constexpr std::array<std::string_view, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                          "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 12> kWeekdayNames = {
    "sun", "mon", "tue", "wed", "thu", "fri", "sat", "", "", "", "", ""};

FieldSpec spec_of(CronFieldKind kind) {
  switch (kind) {
    case CronFieldKind::second:
    case CronFieldKind::minute:
      return {0, 59, nullptr, 0};
    case CronFieldKind::hour:
      return {0, 23, nullptr, 0};
    case CronFieldKind::day_of_month:
      return {1, 31, nullptr, 0};
    case CronFieldKind::month:
      return {1, 12, &kMonthNames, 12};
    case CronFieldKind::day_of_week:
      return {0, 7, &kWeekdayNames, 7};
  }
  return {0, 0, nullptr, 0};
}

class FieldParser {
 public:
  FieldParser(std::string_view text, CronFieldKind kind, int field_index)
      : text_(text), kind_(kind), index_(field_index), spec_(spec_of(kind)) {}

  CronField parse() {
    if (text_.empty()) fail(text_, "empty field");
    CronField field;
    field.starts_with_star = text_.front() == '*';
    std::size_t begin = 0;
    while (true) {
      const std::size_t comma = text_.find(',', begin);
      const std::string_view element = text_.substr(
          begin, comma == std::string_view::npos ? std::string_view::npos : comma - begin);
      if (element.empty()) {
        if (comma == std::string_view::npos) fail(text_, "trailing comma");
        fail(text_, begin == 0 ? "leading comma" : "empty list element between commas");
      }
      add_element(element, field);
      if (comma == std::string_view::npos) break;
      begin = comma + 1;
    }
    if (kind_ == CronFieldKind::day_of_week && field.test(7)) {
      field.bits = (field.bits & ~(std::uint64_t{1} << 7)) | 1U;
    }
    return field;
  }

 private:
  [[noreturn]] void fail(std::string_view token, const std::string& reason) const {
    throw CronError(index_, "field " + std::to_string(index_) + " (" +
                                std::string(cron_field_name(kind_)) + ") '" + std::string(token) +
                                "': " + reason);
  }

  std::string range_text() const {
    return std::to_string(spec_.min) + "-" + std::to_string(spec_.max);
  }

  // element = ("*" | value | value "-" value) ["/" step]
  void add_element(std::string_view element, CronField& field) const {
    std::string_view base = element;
    int step = 1;
    const std::size_t slash = element.find('/');
    if (slash != std::string_view::npos) {
      base = element.substr(0, slash);
      step = parse_step(element, element.substr(slash + 1));
      if (base.empty()) fail(element, "missing value before '/'");
    }
    int low = 0;
    int high = 0;
    if (base == "*") {
      low = spec_.min;
      high = spec_.max;
    } else if (const std::size_t dash = base.find('-'); dash != std::string_view::npos) {
      const std::string_view first = base.substr(0, dash);
      const std::string_view last = base.substr(dash + 1);
      if (first.empty() || last.empty()) fail(element, "incomplete range (expected N-M)");
      low = parse_value(element, first);
      high = parse_value(element, last);
      if (low > high) {
        std::string reason = "reversed range (start after end)";
        if (kind_ == CronFieldKind::day_of_week && high == 0) {
          reason += "; a range ending on Sunday ends at 7 (e.g. fri-7)";
        }
        fail(element, reason);
      }
    } else {
      low = parse_value(element, base);
      // `N/STEP` is N-max/STEP (BSD cron's reading of it); a plain N is one value.
      high = slash == std::string_view::npos ? low : spec_.max;
    }
    for (int value = low; value <= high; value += step) field.bits |= std::uint64_t{1} << value;
  }

  int parse_step(std::string_view element, std::string_view text) const {
    if (text.empty()) fail(element, "missing step after '/'");
    const std::optional<int> step = parse_number(text);
    if (!step) fail(element, "step '" + std::string(text) + "' is not a number");
    if (*step == 0) fail(element, "step 0 is not allowed");
    // cronie only warns here and then selects just the first value, so `*/90` in the minute
    // field would silently mean "at minute 0". A daemon has nobody to read that warning.
    if (*step > spec_.max - spec_.min) {
      fail(element, "step " + std::to_string(*step) + " is larger than the field's range " +
                        range_text() + " allows");
    }
    return *step;
  }

  int parse_value(std::string_view element, std::string_view text) const {
    int value = 0;
    if (const std::optional<int> number = parse_number(text)) {
      value = *number;
    } else if (const std::optional<int> named = parse_name(text)) {
      value = *named;
    } else if (spec_.names != nullptr && is_alpha(text)) {
      fail(element, "unknown " + std::string(cron_field_name(kind_)) + " name '" +
                        std::string(text) + "' (use " + std::string((*spec_.names)[0]) + "-" +
                        std::string((*spec_.names)[spec_.name_count - 1]) + " or numbers)");
    } else {
      fail(element, "'" + std::string(text) + "' is not a number" +
                        (spec_.names != nullptr ? " or name" : ""));
    }
    if (value < spec_.min || value > spec_.max) {
      fail(element, (text == element ? std::string("value") : "value " + std::string(text)) +
                        " out of range " + range_text());
    }
    return value;
  }

  // Digits only (no sign, no spaces); anything too long to be a field value maps to a large
  // number so the range check reports it.
  static std::optional<int> parse_number(std::string_view text) {
    if (text.empty()) return std::nullopt;
    int value = 0;
    for (const char c : text) {
      if (c < '0' || c > '9') return std::nullopt;
      if (value < 100000) value = value * 10 + (c - '0');
    }
    return value;
  }

  static bool is_alpha(std::string_view text) {
    if (text.empty()) return false;
    for (const char c : text) {
      if (std::isalpha(static_cast<unsigned char>(c)) == 0) return false;
    }
    return true;
  }

  std::optional<int> parse_name(std::string_view text) const {
    if (spec_.names == nullptr || text.size() != 3) return std::nullopt;
    std::string lower;
    for (const char c : text)
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (int i = 0; i < spec_.name_count; ++i) {
      if ((*spec_.names)[static_cast<std::size_t>(i)] == lower) return spec_.min + i;
    }
    return std::nullopt;
  }

  std::string_view text_;
  CronFieldKind kind_;
  int index_;
  FieldSpec spec_;
};

}  // namespace

std::string_view cron_field_name(CronFieldKind kind) {
  switch (kind) {
    case CronFieldKind::second:
      return "second";
    case CronFieldKind::minute:
      return "minute";
    case CronFieldKind::hour:
      return "hour";
    case CronFieldKind::day_of_month:
      return "day-of-month";
    case CronFieldKind::month:
      return "month";
    case CronFieldKind::day_of_week:
      return "day-of-week";
  }
  return "field";
}

CronField parse_cron_field(std::string_view text, CronFieldKind kind, int field_index) {
  return FieldParser(text, kind, field_index).parse();
}

}  // namespace qi::schedule
