// The Assets simulator: one HTTPS server on loopback that behaves like the parts of Jira Service
// Management Assets the insight job talks to: the Data Center import REST calls (under both
// /rest/assets/1.0 and the deprecated /rest/insight/1.0) and the Cloud external-import flow
// (imports/info, configstatus, mapping, executions, data chunks, status, cancel), with
// injectable faults and a store of the objects an import would have written. Owned by a test
// (or by assets-sim's main); runs on the executor it is given.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "assets_sim/faults.hpp"
#include "pki/test_pki.hpp"
#include "qualys_sim/simulator.hpp"

namespace qi::assets_sim {

// A Data Center import source (an import configuration of an object schema).
struct DcImportSource {
  std::int64_t id = 0;
  std::uint64_t objects = 10;  // the count a run reports (created on the first run, then updated)
};

struct DcOptions {
  std::vector<DcImportSource> imports = {{11, 10}, {12, 20}, {13, 30}, {14, 40}};
  std::string username = "jira-user";  // Basic
  std::string password = "jira-password";
  std::string token = "jira-pat";  // personal access token (Bearer)
  bool assets_root = true;         // /rest/assets/1.0
  bool insight_root = true;        // /rest/insight/1.0 (deprecated)
  // A run goes through three steps of this length each, then is finished.
  std::chrono::milliseconds step_duration{100};
  std::vector<std::int64_t> running_at_start;  // import sources already running at start
};

struct CloudOptions {
  std::string token = "assets-container-token";  // the external import's container token
  std::string workspace_id = "5a7e0d1c-sim-workspace";
  std::int64_t import_source_id = 7;
  std::string link_host;  // host[:port] in the returned links; empty: the request's Host header
  std::chrono::milliseconds processing_duration{100};  // PROCESSING lasts this long
  std::uint64_t rate_limit_per_minute = 1000;          // 429 beyond it; 0: no limit
  std::size_t max_chunk_objects = 1000;                // objects in one data chunk
  bool disabled = false;                               // configstatus says DISABLED
};

struct AssetsSimOptions {
  DcOptions dc;
  CloudOptions cloud;
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 0;                     // 0: any free port, see AssetsSimulator::port()
  std::size_t max_body_bytes = 8 << 20;       // a larger request body gets 413
  std::size_t max_recorded_requests = 10000;  // requests() keeps the first N
};

// One object as Assets would hold it after the Cloud imports so far. Attribute values are keyed by
// the attribute's externalId; a reference holds "<objectTypeExternalId>/<objectExternalId>".
struct StoredObject {
  std::string object_type;  // externalId of the object type
  std::string external_id;  // the identifier parts joined with '-'
  std::string label;
  std::map<std::string, std::vector<std::string>> attributes;
};

struct Stats {
  std::map<std::string, std::uint64_t> requests;  // per endpoint family, plus "other"
  std::uint64_t connections = 0;
  std::uint64_t faults_fired = 0;
  std::uint64_t rate_limited = 0;
  std::uint64_t auth_failed = 0;
  std::string to_json() const;
};

class AssetsCore;

class AssetsSimulator {
 public:
  // Binds and listens immediately (so port() is valid), serves once start() is called.
  AssetsSimulator(boost::asio::any_io_executor executor, AssetsSimOptions options,
                  const qi::testing::KeyPair& server_cert);
  ~AssetsSimulator();
  AssetsSimulator(const AssetsSimulator&) = delete;
  AssetsSimulator& operator=(const AssetsSimulator&) = delete;

  void start();
  void stop();  // closes the listener and every connection
  std::uint16_t port() const;

  // Thread-safe, effective for the next request.
  void add_fault(FaultRule rule);
  void clear_faults();
  // A new container token (as "Regenerate token" in Jira does); the old one gets 401 from now on.
  std::string regenerate_token();
  void set_cloud_disabled(bool disabled);

  Stats stats() const;
  std::vector<qi::sim::RecordedRequest> requests() const;
  // Import source IDs in the order POST import/start was accepted for them.
  std::vector<std::int64_t> dc_starts() const;
  std::vector<StoredObject> objects() const;  // sorted by object type, then externalId
  std::string objects_json() const;           // the same as GET /__assets/objects

 private:
  std::shared_ptr<AssetsCore> core_;
};

}  // namespace qi::assets_sim
