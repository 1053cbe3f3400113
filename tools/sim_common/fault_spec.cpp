#include "sim_common/fault_spec.hpp"

#include <charconv>
#include <stdexcept>
#include <string>

namespace qi::sim_common {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

void apply_option(FaultSpec& spec, std::string_view option) {
  if (option.starts_with("nth=")) {
    spec.nth = static_cast<std::uint64_t>(fault_number(option.substr(4), "nth"));
    if (spec.nth == 0) throw std::invalid_argument("fault spec: nth starts at 1");
  } else if (option == "times=forever" || option == "forever") {
    spec.times = 0;
  } else if (option.starts_with("times=")) {
    spec.times = static_cast<std::uint64_t>(fault_number(option.substr(6), "times"));
    if (spec.times == 0) throw std::invalid_argument("fault spec: times must be >= 1 (or forever)");
  } else {
    throw std::invalid_argument("fault spec: unknown option '" + std::string(option) + "'");
  }
}

}  // namespace

std::int64_t fault_number(std::string_view text, std::string_view what) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value < 0) {
    throw std::invalid_argument("fault spec: " + std::string(what) + " must be a number, got '" +
                                std::string(text) + "'");
  }
  return value;
}

FaultSpec split_fault_spec(std::string_view spec, std::string_view target_word) {
  spec = trim(spec);
  const auto comma = spec.find(',');
  const std::string_view head = spec.substr(0, comma);
  std::string_view options =
      comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);

  const auto c1 = head.find(':');
  if (c1 == std::string_view::npos) {
    throw std::invalid_argument("fault spec '" + std::string(spec) + "': expected " +
                                std::string(target_word) + ":KIND[:ARG]");
  }
  FaultSpec parts;
  parts.target = head.substr(0, c1);
  const std::string_view rest = head.substr(c1 + 1);
  const auto c2 = rest.find(':');
  parts.kind = rest.substr(0, c2);
  if (c2 != std::string_view::npos) parts.argument = rest.substr(c2 + 1);
  while (!options.empty()) {
    const auto next = options.find(',');
    apply_option(parts, trim(options.substr(0, next)));
    options = next == std::string_view::npos ? std::string_view{} : options.substr(next + 1);
  }
  return parts;
}

int fault_status(const FaultSpec& spec) {
  if (!spec.argument) {
    throw std::invalid_argument("fault spec: status needs a code, e.g. status:503");
  }
  const auto status = fault_number(*spec.argument, "status");
  if (status < 100 || status > 599) throw std::invalid_argument("fault spec: bad status");
  return static_cast<int>(status);
}

void refuse_argument(const FaultSpec& spec) {
  if (spec.argument) {
    throw std::invalid_argument("fault spec: " + std::string(spec.kind) + " takes no argument");
  }
}

}  // namespace qi::sim_common
