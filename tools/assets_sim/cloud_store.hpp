// What Assets Cloud holds for the one external import source the simulator serves: its mapping,
// its executions (INGESTING while chunks arrive, PROCESSING for CloudOptions::processing_duration
// after the last one, then DONE; or CANCELLED) and the objects the finished executions wrote.
// Time is passed in; state advances when it is looked at. Not thread-safe (the core locks).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "assets_sim/assets_sim.hpp"
#include "assets_sim/cloud_mapping.hpp"

namespace qi::assets_sim {

using SteadyTime = std::chrono::steady_clock::time_point;

enum class ExecutionState { ingesting, processing, done, cancelled };

struct TypeResult {
  std::uint64_t created = 0, updated = 0, failed = 0, in_source = 0;
  std::vector<std::string> errors;  // the first few
};

// One object of a data chunk: its identity and its raw values per attribute externalId.
struct PendingObject {
  std::size_t mapping = 0;  // index into Mapping::mappings
  std::string external_id;
  std::map<std::string, std::vector<std::string>> values;
};

struct Execution {
  std::string id;
  ExecutionState state = ExecutionState::ingesting;
  std::set<std::string> chunk_ids;  // clientGeneratedIds received (a repeat is not applied twice)
  std::vector<PendingObject> pending;
  SteadyTime completed_at;
  std::map<std::string, TypeResult> results;  // per object type externalId
  std::string progress;                       // the last submitProgress body
  std::uint64_t chunks = 0;
};

// The answer to a request, decided by the store.
struct Reply {
  unsigned status = 200;
  std::string body;
};

class CloudStore {
 public:
  explicit CloudStore(const CloudOptions& options);

  const std::string& token() const { return token_; }
  std::string regenerate_token();
  void set_disabled(bool disabled) { disabled_ = disabled; }

  std::string config_status(SteadyTime now);  // IDLE, RUNNING, DISABLED or MISSING_MAPPING
  Execution* running(SteadyTime now);         // the execution INGESTING or PROCESSING, if any
  const Mapping* mapping() const { return mapping_ ? &*mapping_ : nullptr; }
  Reply put_mapping(std::string_view body, SteadyTime now);
  Reply start(SteadyTime now);  // the new execution's id in body on 200
  Execution* execution(const std::string& id, SteadyTime now);
  Reply submit(Execution& execution, std::string_view body, SteadyTime now);
  Reply cancel(Execution& execution);
  std::string status_json(const Execution& execution) const;
  std::vector<StoredObject> objects() const;

 private:
  void advance(Execution& execution, SteadyTime now);
  void process(Execution& execution);

  CloudOptions options_;
  std::string token_;
  std::uint64_t token_serial_ = 0;
  bool disabled_ = false;
  std::optional<Mapping> mapping_;
  std::map<std::string, Execution> executions_;
  std::uint64_t execution_serial_ = 0;
  // object type externalId → object externalId → object
  std::map<std::string, std::map<std::string, StoredObject>> store_;
};

// {"errorMessages":["..."],"errors":{}}
std::string error_messages_json(std::string_view message);

}  // namespace qi::assets_sim
