// Parsing of whole expressions: splitting into fields, the field count, and @nicknames.
// The search for the next firing lives in cron_search.cpp.
#include "schedule/cron_expression.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace qi::schedule {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split_fields(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_blank(text[i])) ++i;
    const std::size_t begin = i;
    while (i < text.size() && !is_blank(text[i])) ++i;
    if (i > begin) fields.push_back(text.substr(begin, i - begin));
  }
  return fields;
}

// cronie's entry.c expands these to the same bit sets as the 5-field forms below; the flags it
// sets (DOW_STAR for @monthly etc.) give the same day rule as the stars here. cronie compares
// them case-sensitively ("@HOURLY" is an error there too).
std::optional<std::string_view> expand_nickname(std::string_view name) {
  if (name == "@yearly" || name == "@annually") return "0 0 1 1 *";
  if (name == "@monthly") return "0 0 1 * *";
  if (name == "@weekly") return "0 0 * * 0";
  if (name == "@daily" || name == "@midnight") return "0 0 * * *";
  if (name == "@hourly") return "0 * * * *";
  return std::nullopt;
}

[[noreturn]] void fail_expression(int index, std::string_view token, const std::string& reason) {
  throw CronError(index,
                  "field " + std::to_string(index) + " '" + std::string(token) + "': " + reason);
}

constexpr std::array<CronFieldKind, 6> kSixFieldKinds = {
    CronFieldKind::second,       CronFieldKind::minute, CronFieldKind::hour,
    CronFieldKind::day_of_month, CronFieldKind::month,  CronFieldKind::day_of_week};

}  // namespace

CronExpression CronExpression::parse(std::string_view text) {
  const std::string_view trimmed = trim(text);
  if (trimmed.empty()) {
    throw CronError(0,
                    "field 0 (minute) '': empty expression (expected 5 fields \"minute hour "
                    "day-of-month month day-of-week\", 6 with a leading second, or @daily "
                    "etc.)");
  }
  std::vector<std::string_view> fields = split_fields(trimmed);

  if (fields.front().front() == '@') {
    const std::string_view name = fields.front();
    if (name == "@reboot") {
      fail_expression(0, name,
                      "not supported by a daemon schedule (cron runs it once at boot; use "
                      "'qualys-insightd run JOB' from a systemd unit instead)");
    }
    const std::optional<std::string_view> expansion = expand_nickname(name);
    if (!expansion) {
      fail_expression(0, name,
                      "unknown nickname (use @yearly, @annually, @monthly, @weekly, @daily, "
                      "@midnight or @hourly, in lower case)");
    }
    if (fields.size() > 1) fail_expression(1, fields[1], "a nickname stands alone");
    CronExpression expression = parse(*expansion);
    expression.text_ = std::string(trimmed);
    return expression;
  }

  if (fields.size() < 5 || fields.size() > 6) {
    const bool too_few = fields.size() < 5;
    const int index = too_few ? static_cast<int>(fields.size()) : 6;
    const std::string got = "got " + std::to_string(fields.size());
    const std::string expected =
        "expected 5 fields (minute hour day-of-month month day-of-week) or 6 (a leading "
        "second), " +
        got;
    if (too_few) {
      throw CronError(
          index,
          "field " + std::to_string(index) + " (" +
              std::string(cron_field_name(kSixFieldKinds[static_cast<std::size_t>(index) + 1])) +
              ") missing: " + expected);
    }
    fail_expression(index, fields[6], "one field too many: " + expected);
  }

  CronExpression expression;
  expression.text_ = std::string(trimmed);
  expression.has_seconds_ = fields.size() == 6;
  const std::size_t first_kind = expression.has_seconds_ ? 0 : 1;
  std::array<CronField, 6> parsed{};
  parsed[0].bits = 1;  // a 5-field expression fires at second 0
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const CronFieldKind kind = kSixFieldKinds[first_kind + i];
    parsed[first_kind + i] = parse_cron_field(fields[i], kind, static_cast<int>(i));
  }
  expression.second_ = parsed[0];
  expression.minute_ = parsed[1];
  expression.hour_ = parsed[2];
  expression.day_of_month_ = parsed[3];
  expression.month_ = parsed[4];
  expression.day_of_week_ = parsed[5];
  expression.fires_ = expression.some_date_matches();
  return expression;
}

}  // namespace qi::schedule
