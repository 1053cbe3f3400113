#include "insight/cloud_answers.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>

#include "common/error.hpp"

namespace qi::insight {
namespace {

constexpr std::string_view kHttps = "https://";
constexpr std::size_t kQuotedBodyBytes = 200;

rapidjson::Document parse(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) doc.SetNull();
  return doc;
}

std::string text_of(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return {};
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

std::optional<std::int64_t> count_of(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return std::nullopt;
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
  return it->value.GetInt64();
}

const rapidjson::Value& member(const rapidjson::Value& object, const char* name) {
  static const rapidjson::Value kNull;
  if (!object.IsObject()) return kNull;
  const auto it = object.FindMember(name);
  return it == object.MemberEnd() ? kNull : it->value;
}

// Collects texts up to kQuotedErrors and counts the rest.
struct ErrorTexts {
  std::vector<std::string> quoted;
  std::size_t more = 0;
  void add(std::string text) {
    if (text.empty()) return;
    if (quoted.size() < kQuotedErrors) {
      quoted.push_back(std::move(text));
    } else {
      ++more;
    }
  }
  std::string joined() const {
    std::string out;
    for (const auto& text : quoted) out += (out.empty() ? "" : "; ") + text;
    if (more > 0) out += "; and " + std::to_string(more) + " more";
    return out;
  }
};

void add_strings(ErrorTexts& texts, const rapidjson::Value& array) {
  if (!array.IsArray()) return;
  for (const auto& value : array.GetArray()) {
    if (value.IsString()) texts.add(value.GetString());
  }
}

ImportCount count_from(const rapidjson::Value& result, std::string what, std::string status) {
  ImportCount count;
  count.what = std::move(what);
  count.status = std::move(status);
  count.created = count_of(result, "objectsCreated");
  count.updated = count_of(result, "objectsUpdated");
  count.failed = count_of(result, "objectsFailed");
  ErrorTexts errors;
  add_strings(errors, member(result, "errorMessages"));
  count.message = errors.joined();
  return count;
}

}  // namespace

std::string url_host(std::string_view url) {
  if (url.size() < kHttps.size() ||
      !std::equal(kHttps.begin(), kHttps.end(), url.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      })) {
    return {};
  }
  url.remove_prefix(kHttps.size());
  std::string host(url.substr(0, url.find_first_of("/?#")));
  if (host.empty() || host.find('@') != std::string::npos) return {};
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (host.ends_with(":443")) host.resize(host.size() - 4);
  return host;
}

std::string url_path(std::string_view url) {
  if (const auto scheme = url.find("://"); scheme != std::string_view::npos) {
    url.remove_prefix(scheme + 3);
    url.remove_prefix(std::min(url.find('/'), url.size()));
  }
  return std::string(url.substr(0, url.find_first_of("?#")));
}

CloudLinks read_links(std::string_view body, std::string_view what, const std::string& host,
                      std::span<const std::string_view> required) {
  const auto doc = parse(body);
  if (doc.IsNull()) throw FatalError(std::string(what) + ": the answer is not a JSON object");
  CloudLinks links;
  const auto& object = member(doc, "links");
  if (object.IsObject()) {
    for (const auto& link : object.GetObject()) {
      if (!link.value.IsString()) continue;
      const std::string url(link.value.GetString(), link.value.GetStringLength());
      if (url_host(url) != host) {
        throw FatalError(std::string(what) + ": the link " + link.name.GetString() + " leads to " +
                         (url_host(url).empty() ? "a non-https URL" : url_host(url)) + ", not to " +
                         host +
                         " where discovery was answered; the container token is not sent there");
      }
      links.emplace(link.name.GetString(), url);
    }
  }
  for (const auto name : required) {
    if (!links.contains(name)) {
      throw FatalError(std::string(what) + ": the answer has no link " + std::string(name));
    }
  }
  return links;
}

ConfigStatus read_config_status(std::string_view body, const std::string& host) {
  const std::string what = "the import source's configstatus";
  ConfigStatus out;
  out.links = read_links(body, what, host, {});
  out.status = text_of(parse(body), "status");
  if (out.status.empty()) throw FatalError(what + ": the answer has no status");
  return out;
}

ExecutionStatus read_execution_status(std::string_view body) {
  const auto doc = parse(body);
  ExecutionStatus out;
  out.status = text_of(doc, "status");
  if (out.status.empty()) throw FatalError("the execution status: the answer has no status");
  const auto& result = member(doc, "progressResult");
  const auto& types = member(result, "objectTypeResultMap");
  if (types.IsObject() && types.MemberCount() > 0) {
    for (const auto& type : types.GetObject()) {
      std::string name = text_of(type.value, "objectTypeName");
      if (name.empty()) name = type.name.GetString();
      out.counts.push_back(count_from(type.value, std::move(name), out.status));
    }
    return out;
  }
  ImportCount total;
  total.what = "all objects";
  total.status = out.status;
  total.created = count_of(result, "entriesCreated");
  total.updated = count_of(result, "entriesUpdated");
  total.failed = count_of(result, "entriesFailed");
  out.counts.push_back(std::move(total));
  return out;
}

std::string atlassian_errors(std::string_view body) {
  const auto doc = parse(body);
  ErrorTexts texts;
  add_strings(texts, member(doc, "errorMessages"));
  const auto& fields = member(doc, "errors");
  if (fields.IsObject()) {
    for (const auto& field : fields.GetObject()) {
      if (field.value.IsString()) {
        texts.add(std::string(field.name.GetString()) + ": " + field.value.GetString());
      }
    }
  }
  const auto& validation = member(doc, "dataValidationErrors");
  if (validation.IsArray()) {
    for (const auto& error : validation.GetArray()) {
      std::string text = text_of(error, "code");
      if (const auto message = text_of(error, "message"); !message.empty()) {
        text += (text.empty() ? "" : ": ") + message;
      }
      if (const auto path = text_of(error, "path"); !path.empty()) text += " (" + path + ")";
      texts.add(std::move(text));
    }
  }
  if (texts.quoted.empty()) {
    return std::string(body.substr(0, std::min(body.size(), kQuotedBodyBytes)));
  }
  return texts.joined();
}

}  // namespace qi::insight
