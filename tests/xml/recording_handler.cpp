#include "recording_handler.hpp"

namespace qi::xml::testing {

void RecordingHandler::start_element(std::string_view name, const Attributes& attributes) {
  std::string e = "<" + std::string(name);
  for (const Attribute& a : attributes.items()) {
    e += " " + std::string(a.name) + "=" + std::string(a.value);
  }
  events.push_back(e + ">");
}

void RecordingHandler::end_element(std::string_view name) {
  events.push_back("</" + std::string(name) + ">");
}

void RecordingHandler::text(std::string_view data) {
  append("T:", data);
}
void RecordingHandler::cdata(std::string_view data) {
  append("C:", data);
}

void RecordingHandler::append(std::string_view prefix, std::string_view data) {
  if (!events.empty() && events.back().starts_with(prefix)) {
    events.back().append(data);
  } else {
    events.push_back(std::string(prefix) + std::string(data));
  }
}

std::vector<std::string> parse_whole(std::string_view doc) {
  RecordingHandler handler;
  PushParser parser(handler);
  parser.feed(doc);
  parser.finish();
  return handler.events;
}

std::vector<std::string> parse_byte_by_byte(std::string_view doc) {
  RecordingHandler handler;
  PushParser parser(handler);
  for (char c : doc) parser.feed(std::string_view(&c, 1));
  parser.finish();
  return handler.events;
}

}  // namespace qi::xml::testing
