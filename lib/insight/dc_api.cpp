#include "insight/dc_api.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/log.hpp"

namespace qi::insight {

namespace {

constexpr std::string_view kAssetsRoot = "/rest/assets/1.0";
constexpr std::string_view kInsightRoot = "/rest/insight/1.0";

std::string without_trailing_slash(std::string text) {
  while (!text.empty() && text.back() == '/') text.pop_back();
  return text;
}

[[noreturn]] void throw_not_found(const DcSource& source, const std::string& where) {
  throw FatalError(fmt::format(
      "{}: Jira answers 404 for import source ID {} ({}); check insight.imports.{}: it must be "
      "the ID of an import source of the object schema (Assets > the schema > Import)",
      source.what(), source.id, where, source.key));
}

}  // namespace

std::string DcSource::what() const {
  return fmt::format("import source {} ({})", id, file);
}

std::vector<DcSource> dc_sources(const config::InsightImports& imports) {
  std::vector<DcSource> sources;
  const auto add = [&](const char* key, const char* file, const std::optional<std::int64_t>& id) {
    if (id) sources.push_back({key, file, *id});
  };
  add("assets", "assets.csv", imports.assets);
  add("vulnkb", "vulnkb.csv", imports.vulnkb);
  add("cve", "cve.csv", imports.cve);
  add("vm", "vm.csv", imports.vm);
  return sources;
}

DcApi::DcApi(JiraTransport& transport, const config::InsightConfig& config,
             const qualys::CallContext& context)
    : transport_(transport), context_(context), base_(without_trailing_slash(config.url)) {
  if (config.api_root != "auto") root_ = without_trailing_slash(config.api_root);
}

asio::awaitable<JiraResponse> DcApi::get_progress(const DcSource& source, const std::string& root) {
  const JiraRequest request{
      .method = http::verb::get,
      .url = fmt::format("{}{}/progress/category/imports/{}", base_, root, source.id),
      .json_body = {},
      .description = "read the progress of " + source.what()};
  co_return co_await transport_.send(request, context_);
}

asio::awaitable<DcProgress> DcApi::find_root(const DcSource& source) {
  std::string how = "insight.api_root";
  auto response = JiraResponse{};
  if (root_.empty()) {
    how = "found with insight.api_root auto";
    root_ = kAssetsRoot;
    response = co_await get_progress(source, root_);
    if (response.status == 404) {
      log::info(fmt::format("{}: {}{} answers 404 for {}; trying the deprecated root {}",
                            context_.job, base_, kAssetsRoot, source.what(), kInsightRoot),
                {{"JOB", context_.job}, {"RUN_ID", context_.run_id}});
      root_ = kInsightRoot;
      response = co_await get_progress(source, root_);
      if (response.status == 404) {
        throw_not_found(source, fmt::format("under both {} and {}", kAssetsRoot, kInsightRoot));
      }
    }
  } else {
    response = co_await get_progress(source, root_);
  }
  if (response.status == 404) throw_not_found(source, "under " + root_);
  if (response.status != 200) {
    throw FatalError(fmt::format("read the progress of {}: HTTP {} from {}{}: {}", source.what(),
                                 response.status, base_, root_,
                                 parse_dc_progress(response.body).said));
  }
  log::info(fmt::format("{}: Jira Assets REST root {}{} ({})", context_.job, base_, root_, how),
            {{"JOB", context_.job}, {"RUN_ID", context_.run_id}});
  co_return parse_dc_progress(response.body);
}

asio::awaitable<DcProgress> DcApi::progress(const DcSource& source) {
  if (root_.empty()) co_return co_await find_root(source);
  const auto response = co_await get_progress(source, root_);
  if (response.status == 404) throw_not_found(source, "under " + root_);
  if (response.status != 200) {
    throw FatalError(fmt::format("read the progress of {}: HTTP {}: {}", source.what(),
                                 response.status, parse_dc_progress(response.body).said));
  }
  co_return parse_dc_progress(response.body);
}

asio::awaitable<std::optional<DcProgress>> DcApi::start(const DcSource& source) {
  if (root_.empty()) co_await find_root(source);
  const JiraRequest request{.method = http::verb::post,
                            .url = fmt::format("{}{}/import/start/{}", base_, root_, source.id),
                            .json_body = {},
                            .description = "start " + source.what()};
  const auto response = co_await transport_.send(request, context_);
  if (response.status == 404) throw_not_found(source, "under " + root_);
  // What Jira answers for a source already running is not documented; 409 is the likely one.
  if (response.status == 409) co_return std::nullopt;
  if (response.status < 200 || response.status > 299) {
    throw FatalError(fmt::format("start {}: Jira refused with HTTP {}: {}", source.what(),
                                 response.status, parse_dc_progress(response.body).said));
  }
  co_return parse_dc_progress(response.body);
}

}  // namespace qi::insight
