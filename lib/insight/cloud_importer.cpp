#include "insight/cloud_importer.hpp"

#include <fmt/format.h>

#include <array>
#include <boost/asio/this_coro.hpp>

#include "common/error.hpp"
#include "common/log.hpp"
#include "insight/cloud_execution.hpp"
#include "insight/cloud_mapping_state.hpp"
#include "insight/cloud_scope.hpp"
#include "insight/host_id_file.hpp"
#include "insight/json_digest.hpp"

namespace qi::insight {
namespace {

// The links each answer must carry (kept out of the coroutines: GCC 12 rejects an
// initializer_list of literals inside one).
constexpr std::array<std::string_view, 3> kInfoLinks = {"getStatus", "mapping", "start"};
constexpr std::array<std::string_view, 3> kExecutionLinks = {"submitResults", "getExecutionStatus",
                                                             "cancel"};

void log_info(const qualys::CallContext& context, const std::string& message) {
  log::info(context.job + ": " + message, {{"JOB", context.job}, {"RUN_ID", context.run_id}});
}
void log_warn(const qualys::CallContext& context, const std::string& message) {
  log::warn(context.job + ": " + message, {{"JOB", context.job}, {"RUN_ID", context.run_id}});
}

// What the push holds: one object per row of each file in the scope of
// insight.cloud.vulnerabilities, counted exactly (a streaming pass over vm.csv, then over
// vulnkb.csv and cve.csv with its QIDs), so that a push over insight.cloud.max_objects is refused
// before anything is sent.
struct PushObjects {
  std::optional<QidSet> detected;  // with vulnerabilities: detected
  std::uint64_t total = 0;
};

PushObjects count_push_objects(const ImportSet& set, const CloudMapping& mapping,
                               const config::InsightCloudConfig& cloud,
                               const qualys::CallContext& context) {
  PushObjects push;
  if (cloud.vulnerabilities == config::CloudVulnerabilities::detected) {
    const ImportFile* vm = file_named(set, "vm.csv");
    push.detected = vm ? detected_qids(vm->path) : QidSet();
  }
  std::string parts;
  for (const auto& type : mapping.object_types) {
    const ImportFile* file = file_named(set, type.file);
    const auto column = scope_column(type.file);
    std::uint64_t rows = file ? file->rows : 0;
    if (file && push.detected && column) {
      rows = count_rows_in_scope(file->path, {*column, &*push.detected});
    }
    push.total += rows;
    parts += fmt::format("{}{} {} from {}", parts.empty() ? "" : ", ", rows, type.name, type.file);
  }
  const std::string scope = push.detected
                                ? fmt::format(
                                      "Vulnerabilities and CVEs of the {} QIDs vm.csv names "
                                      "(insight.cloud.vulnerabilities: detected)",
                                      push.detected->size())
                                : "whole KnowledgeBase (insight.cloud.vulnerabilities: all)";
  if (push.total > static_cast<std::uint64_t>(cloud.max_objects)) {
    throw FatalError(fmt::format(
        "the push would make {} objects in Assets ({}), more than insight.cloud.max_objects "
        "({}); nothing was sent. It holds the {}. Pull fewer (jobs.assets.filter_json, "
        "jobs.vm.severities, jobs.vm.status){} or, when the site has paid extra objects, raise "
        "insight.cloud.max_objects",
        push.total, parts, cloud.max_objects, scope,
        push.detected ? ""
                      : ", push only the detected QIDs (insight.cloud.vulnerabilities: detected)"));
  }
  log_info(context,
           fmt::format("the push holds {} objects ({}): the {}", push.total, parts, scope));
  return push;
}

// The host IDs of the assets base, when the mapping looks them up: with the extra column Host ID
// chosen, assets.csv carries them itself and the base is not read.
AssetHostIds host_ids_for(const ImportSet& set, const CloudMapping& mapping,
                          const std::filesystem::path& state_dir,
                          const qualys::CallContext& context) {
  bool looked_up = false;
  for (const auto& type : mapping.object_types) {
    for (const auto& attribute : type.attributes) {
      looked_up = looked_up || attribute.source == ValueSource::host_id_of_asset;
    }
  }
  if (!looked_up) return {std::make_unique<NoHostIds>(), {}};
  const ImportFile* assets = file_named(set, "assets.csv");
  AssetHostIds ids = asset_host_ids(state_dir, assets ? assets->sha256 : std::string());
  if (!ids.problem.empty()) {
    ids.problem = "Hosts are pushed without host IDs, so Detections find no Host: " + ids.problem +
                  ". The next publication of the assets job records them again";
    log_warn(context, ids.problem);
  }
  return ids;
}

// Every column the mapping reads is in its file, before the mapping is put or anything is sent: a
// file published before output.extra_columns changed lacks the new columns.
void check_headers(const ImportSet& set, const CloudMapping& mapping,
                   const HostIdLookup& host_ids) {
  for (const auto& type : mapping.object_types) {
    if (const ImportFile* file = file_named(set, type.file)) {
      ChunkOptions options;
      options.host_ids = &host_ids;
      ObjectChunks(file->path, type, std::move(options));
    }
  }
}

asio::awaitable<ConfigStatus> config_status(CloudSession& session, const CloudLinks& links) {
  const JiraRequest request =
      cloud_request(http::verb::get, links.at("getStatus"), "import source status");
  co_return read_config_status(co_await session.call(request), session.host());
}

// An execution already RUNNING: one still INGESTING gets no more data from anyone (the container
// token belongs to this import source, and the job lock lets one push of ours run at a time), so
// it is what an interrupted push of ours left, and is cancelled; one PROCESSING is waited for.
asio::awaitable<void> settle_running(CloudSession& session, const ConfigStatus& status,
                                     const CloudImporterOptions& options) {
  if (!status.links.contains("getExecutionStatus") || !status.links.contains("cancel")) {
    throw FatalError(
        "the import source is RUNNING an execution its status does not link; wait for it to "
        "finish or cancel it in Assets (Import tab), then run the job again");
  }
  const std::string& status_url = status.links.at("getExecutionStatus");
  const JiraRequest request =
      cloud_request(http::verb::get, status_url, "running execution's status");
  const ExecutionStatus running = read_execution_status(co_await session.call(request));
  if (running.status == "INGESTING") {
    log_warn(session.context(), "cancelling the execution " + url_path(status.links.at("cancel")) +
                                    ", left INGESTING by an interrupted push");
    const JiraRequest cancel = cloud_request(http::verb::delete_, status.links.at("cancel"),
                                             "cancel the interrupted execution");
    co_await session.call(cancel);
    co_return;
  }
  log_info(session.context(), "waiting for the running execution " + url_path(status_url) + " (" +
                                  running.status + ") to finish");
  co_await wait_for_execution(session, status_url, options);
}

// The import source's status once no execution runs: IDLE or MISSING_MAPPING.
asio::awaitable<std::string> ready_status(CloudSession& session, const CloudLinks& links,
                                          const CloudImporterOptions& options) {
  ConfigStatus status = co_await config_status(session, links);
  if (status.status == "RUNNING") {
    co_await settle_running(session, status, options);
    status = co_await config_status(session, links);
  }
  if (status.status == "DISABLED") {
    throw FatalError(
        "the Assets Cloud import source is DISABLED; enable it in Assets (object schema, Import "
        "tab) and run the job again");
  }
  if (status.status != "IDLE" && status.status != "MISSING_MAPPING") {
    throw FatalError("the Assets Cloud import source is " + status.status + "; cannot start");
  }
  co_return status.status;
}

// The digest of the import source's mapping now; nullopt when the link does not give it back.
asio::awaitable<std::optional<std::string>> server_mapping_digest(CloudSession& session,
                                                                  const std::string& url) {
  const JiraRequest request = cloud_request(http::verb::get, url, "read the mapping back");
  const JiraResponse response = co_await session.send(request);
  if (response.status / 100 == 2) {
    try {
      co_return json_digest(response.body);
    } catch (const FatalError&) {
    }
  }
  log_info(session.context(),
           "the mapping could not be read back (HTTP " + std::to_string(response.status) + ")");
  co_return std::nullopt;
}

struct MappingInputs {
  const CloudMapping& mapping;
  bool missing = false;
  bool manage_mapping = true;
  const std::filesystem::path& state_dir;
};

asio::awaitable<void> sync_mapping(CloudSession& session, const std::string& url,
                                   const MappingInputs& in) {
  const std::string document = mapping_document(in.mapping);
  MappingFacts facts{in.missing, json_digest(document), std::nullopt,
                     read_mapping_record(in.state_dir), in.manage_mapping};
  if (!facts.missing) facts.server = co_await server_mapping_digest(session, url);
  const MappingAction action = decide_mapping(facts);
  if (action == MappingAction::keep_operator_edit ||
      action == MappingAction::put_over_operator_edit) {
    log_warn(session.context(), describe(action));
  } else {
    log_info(session.context(), describe(action));
  }
  MappingRecord record{facts.ours, facts.server.value_or("")};
  if (action == MappingAction::keep_operator_edit) co_return;
  if (action != MappingAction::keep) {
    JiraRequest put = cloud_request(http::verb::put, url, "put our mapping");
    put.json_body = document;
    co_await session.call(put);
    record.server = (co_await server_mapping_digest(session, url)).value_or("");
  }
  if (facts.record && facts.record->ours == record.ours && facts.record->server == record.server) {
    co_return;
  }
  try {
    save_mapping_record(in.state_dir, record);
  } catch (const std::exception& error) {
    // Without the record, the next push takes the mapping for an operator's edit: with
    // manage_mapping it puts it again, which is harmless.
    log_warn(session.context(), std::string("the mapping digest was not saved: ") + error.what());
  }
}

// After a failure: the caller has cleared its cancellation; the request has its own deadline.
// Never throws: the failure that led here is what the run reports.
asio::awaitable<void> cancel_execution(CloudSession& session, const std::string& url,
                                       std::chrono::milliseconds timeout) {
  try {
    const JiraRequest cancel = cloud_request(http::verb::delete_, url, "cancel the execution");
    co_await session.call_within(cancel, timeout);
    log_warn(session.context(), "the Assets Cloud execution " + url_path(url) + " was cancelled");
  } catch (const std::exception& error) {
    log_warn(session.context(),
             std::string("the Assets Cloud execution could not be cancelled: ") + error.what());
  }
}

// The counts as Assets gave them; objects that failed are logged with Assets' messages.
ImportReport report_of(const ExecutionStatus& status, const std::string& host_id_problem,
                       const qualys::CallContext& context) {
  ImportReport report;
  report.counts = status.counts;
  std::int64_t created = 0, updated = 0, failed = 0;
  for (auto& count : report.counts) {
    created += count.created.value_or(0);
    updated += count.updated.value_or(0);
    failed += count.failed.value_or(0);
    if (count.what == "Host" && !host_id_problem.empty()) {
      count.message = host_id_problem + (count.message.empty() ? "" : "; " + count.message);
    }
    if (count.failed.value_or(0) > 0) {
      log_warn(context, fmt::format("{}: {} objects failed in Assets: {}", count.what,
                                    *count.failed, count.message));
    }
  }
  report.summary = fmt::format("Assets Cloud execution {}: {} created, {} updated, {} failed",
                               status.status, created, updated, failed);
  return report;
}

}  // namespace

asio::awaitable<ImportReport> CloudImporter::import(const ImportSet& set, ImportEnvironment& env) {
  const auto& cloud = env.config.cloud;
  const CloudMapping mapping = cloud_mapping(env.extra_columns);
  const PushObjects objects = count_push_objects(set, mapping, cloud, env.context);
  const AssetHostIds host_ids = host_ids_for(set, mapping, env.state_dir, env.context);
  check_headers(set, mapping, *host_ids.lookup);

  CloudSession session(env.transport, env.context, url_host(cloud.info_url));
  if (session.host().empty()) throw FatalError("insight.cloud.info_url is not an https URL");
  env.on_progress("Assets Cloud discovery");
  const JiraRequest info = cloud_request(http::verb::get, cloud.info_url, "import discovery");
  const CloudLinks links =
      read_links(co_await session.call(info), info.description, session.host(), kInfoLinks);
  const std::string status = co_await ready_status(session, links, options_);
  co_await sync_mapping(
      session, links.at("mapping"),
      {mapping, status == "MISSING_MAPPING", cloud.manage_mapping, env.state_dir});

  const JiraRequest start =
      cloud_request(http::verb::post, links.at("start"), "start an execution");
  const CloudLinks execution =
      read_links(co_await session.call(start), start.description, session.host(), kExecutionLinks);
  log_info(env.context, fmt::format("Assets Cloud execution {} started: {} objects to send",
                                    url_path(execution.at("cancel")), objects.total));
  const auto progress_url = execution.find("submitProgress");
  PushProgress progress(session,
                        {progress_url == execution.end() ? std::string() : progress_url->second,
                         options_.progress_interval, objects.total, mapping.object_types.size() + 1,
                         env.on_progress});
  const PushPlan plan{mapping,
                      set,
                      *host_ids.lookup,
                      env.context.run_id,
                      static_cast<std::size_t>(cloud.chunk_objects),
                      env.double_backslashes,
                      objects.total,
                      objects.detected ? &*objects.detected : nullptr};
  std::exception_ptr failure;
  ExecutionStatus result;
  try {
    co_await send_data(session, execution, plan, progress);
    env.on_progress("Assets Cloud processing");
    result = co_await wait_for_execution(session, execution.at("getExecutionStatus"), options_);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    // A cancelled coroutine cannot send; the cancel request goes out with a deadline of its own.
    co_await asio::this_coro::reset_cancellation_state();
    co_await cancel_execution(session, execution.at("cancel"), options_.cancel_timeout);
    std::rethrow_exception(failure);
  }
  if (result.status != "DONE") {
    throw FatalError("the Assets Cloud execution " + url_path(execution.at("cancel")) + " ended " +
                     result.status + " instead of DONE");
  }
  co_return report_of(result, host_ids.problem, env.context);
}

}  // namespace qi::insight
