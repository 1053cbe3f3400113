#include "assets_sim/cloud_store.hpp"

#include <variant>

#include "assets_sim/cloud_chunk.hpp"
#include "qualys_sim/sim_util.hpp"

namespace qi::assets_sim {

namespace {

const char* state_name(ExecutionState state) {
  switch (state) {
    case ExecutionState::ingesting:
      return "INGESTING";
    case ExecutionState::processing:
      return "PROCESSING";
    case ExecutionState::done:
      return "DONE";
    case ExecutionState::cancelled:
      return "CANCELLED";
  }
  return "?";
}

void append_result(std::string& out, const std::string& type_name, const TypeResult& r) {
  out += "{\"objectTypeName\":\"";
  qi::sim::append_json_escaped(out, type_name);
  out += "\",\"objectsCreated\":" + std::to_string(r.created) +
         ",\"objectsUpdated\":" + std::to_string(r.updated) +
         ",\"objectsFailed\":" + std::to_string(r.failed) +
         ",\"entriesInSource\":" + std::to_string(r.in_source) + ",\"errorMessages\":[";
  for (std::size_t i = 0; i < r.errors.size(); ++i) {
    out += i ? ",\"" : "\"";
    qi::sim::append_json_escaped(out, r.errors[i]);
    out += '"';
  }
  out += "]}";
}

}  // namespace

std::string error_messages_json(std::string_view message) {
  std::string out = "{\"errorMessages\":[\"";
  qi::sim::append_json_escaped(out, message);
  return out + "\"],\"errors\":{}}\n";
}

CloudStore::CloudStore(const CloudOptions& options)
    : options_(options), token_(options.token), disabled_(options.disabled) {}

std::string CloudStore::regenerate_token() {
  token_ = options_.token + "-regenerated-" + std::to_string(++token_serial_);
  return token_;
}

void CloudStore::advance(Execution& execution, SteadyTime now) {
  if (execution.state != ExecutionState::processing) return;
  if (now - execution.completed_at < options_.processing_duration) return;
  process_execution(execution, *mapping_, store_);
  execution.state = ExecutionState::done;
}

Execution* CloudStore::running(SteadyTime now) {
  for (auto& [id, execution] : executions_) {
    advance(execution, now);
    if (execution.state == ExecutionState::ingesting ||
        execution.state == ExecutionState::processing) {
      return &execution;
    }
  }
  return nullptr;
}

std::string CloudStore::config_status(SteadyTime now) {
  if (disabled_) return "DISABLED";
  if (running(now)) return "RUNNING";
  if (!mapping_) return "MISSING_MAPPING";
  return "IDLE";
}

Reply CloudStore::put_mapping(std::string_view body, SteadyTime now) {
  if (running(now))
    return {409, error_messages_json("An import is running; the mapping cannot change")};
  auto parsed = parse_mapping(body);
  if (auto* errors = std::get_if<std::vector<ValidationError>>(&parsed)) {
    return {400, validation_errors_json(*errors)};
  }
  mapping_ = std::move(std::get<Mapping>(parsed));
  return {200, "{}\n"};
}

Reply CloudStore::start(SteadyTime now) {
  const std::string status = config_status(now);
  if (status != "IDLE") {
    return {409, error_messages_json("The import source is " + status + "; cannot start")};
  }
  char id[64];
  std::snprintf(id, sizeof id, "0e5e0000-0000-4000-8000-%012llu",
                static_cast<unsigned long long>(++execution_serial_));
  executions_[id].id = id;
  return {200, id};
}

Execution* CloudStore::execution(const std::string& id, SteadyTime now) {
  const auto it = executions_.find(id);
  if (it == executions_.end()) return nullptr;
  advance(it->second, now);
  return &it->second;
}

Reply CloudStore::submit(Execution& execution, std::string_view body, SteadyTime now) {
  if (execution.state != ExecutionState::ingesting) {
    return {409, error_messages_json(std::string("The execution is ") +
                                     state_name(execution.state) + "; it takes no more data")};
  }
  auto parsed = parse_chunk(body, *mapping_, options_.max_chunk_objects);
  if (auto* errors = std::get_if<std::vector<ValidationError>>(&parsed)) {
    return {400, validation_errors_json(*errors)};
  }
  Chunk& chunk = std::get<Chunk>(parsed);
  // A retried chunk (same clientGeneratedId) is acknowledged again but not applied twice.
  if (!chunk.client_generated_id.empty() &&
      !execution.chunk_ids.insert(chunk.client_generated_id).second) {
    return {200, "{}\n"};
  }
  ++execution.chunks;
  for (auto& object : chunk.objects) execution.pending.push_back(std::move(object));
  if (chunk.completed) {
    execution.state = ExecutionState::processing;
    execution.completed_at = now;
    advance(execution, now);
  }
  return {200, "{}\n"};
}

Reply CloudStore::cancel(Execution& execution) {
  if (execution.state == ExecutionState::done) {
    return {409, error_messages_json("The execution is DONE; it cannot be cancelled")};
  }
  execution.state = ExecutionState::cancelled;
  execution.pending.clear();
  return {204, ""};
}

std::string CloudStore::status_json(const Execution& execution) const {
  std::uint64_t created = 0, updated = 0, failed = 0, processed = 0;
  std::string types;
  for (const auto& [type, r] : execution.results) {
    created += r.created;
    updated += r.updated;
    failed += r.failed;
    processed += r.in_source;
    if (!types.empty()) types += ',';
    types += "\"";
    qi::sim::append_json_escaped(types, type);
    types += "\":";
    const ObjectTypeDef* def = mapping_ ? mapping_->type(type) : nullptr;
    append_result(types, def ? def->name : type, r);
  }
  return std::string("{\"executionId\":\"") + execution.id + "\",\"status\":\"" +
         state_name(execution.state) +
         "\",\"progressResult\":{\"entriesCreated\":" + std::to_string(created) +
         ",\"entriesUpdated\":" + std::to_string(updated) +
         ",\"entriesFailed\":" + std::to_string(failed) +
         ",\"entriesProcessed\":" + std::to_string(processed) + ",\"objectTypeResultMap\":{" +
         types + "}},\"chunksReceived\":" + std::to_string(execution.chunks) +
         ",\"objectsReceived\":" + std::to_string(execution.pending.size() + processed) + "}\n";
}

std::vector<StoredObject> CloudStore::objects() const {
  std::vector<StoredObject> out;
  for (const auto& [type, objects] : store_) {
    for (const auto& [id, object] : objects) out.push_back(object);
  }
  return out;
}

}  // namespace qi::assets_sim
