// AssetsSimulator: the public face of AssetsCore, and the JSON renderings tests and scripts read.
#include "assets_sim/core.hpp"
#include "qualys_sim/sim_util.hpp"

namespace qi::assets_sim {

namespace {

void append_string(std::string& out, std::string_view text) {
  out += '"';
  qi::sim::append_json_escaped(out, text);
  out += '"';
}

}  // namespace

std::string Stats::to_json() const {
  return "{\"requests\":" + qi::sim::counts_json(requests) +
         ",\"connections\":" + std::to_string(connections) +
         ",\"faults_fired\":" + std::to_string(faults_fired) +
         ",\"rate_limited\":" + std::to_string(rate_limited) +
         ",\"auth_failed\":" + std::to_string(auth_failed) + "}\n";
}

std::string objects_json(const std::vector<StoredObject>& objects) {
  std::string out = "{\"objects\":[";
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const StoredObject& o = objects[i];
    out += i ? ",\n" : "\n";
    out += "{\"objectType\":";
    append_string(out, o.object_type);
    out += ",\"externalId\":";
    append_string(out, o.external_id);
    out += ",\"label\":";
    append_string(out, o.label);
    out += ",\"attributes\":{";
    bool first = true;
    for (const auto& [attribute, values] : o.attributes) {
      if (!first) out += ',';
      first = false;
      append_string(out, attribute);
      out += ":[";
      for (std::size_t v = 0; v < values.size(); ++v) {
        if (v) out += ',';
        append_string(out, values[v]);
      }
      out += ']';
    }
    out += "}}";
  }
  return out + "]}\n";
}

AssetsSimulator::AssetsSimulator(boost::asio::any_io_executor executor, AssetsSimOptions options,
                                 const qi::testing::KeyPair& server_cert)
    : core_(std::make_shared<AssetsCore>(executor, std::move(options), server_cert)) {}

AssetsSimulator::~AssetsSimulator() {
  core_->stop();
}

void AssetsSimulator::start() {
  core_->start();
}
void AssetsSimulator::stop() {
  core_->stop();
}
std::uint16_t AssetsSimulator::port() const {
  return core_->port();
}
void AssetsSimulator::add_fault(FaultRule rule) {
  core_->add_fault(std::move(rule));
}
void AssetsSimulator::clear_faults() {
  core_->clear_faults();
}
std::string AssetsSimulator::regenerate_token() {
  return core_->with_cloud([](CloudStore& cloud) { return cloud.regenerate_token(); });
}
void AssetsSimulator::set_cloud_disabled(bool disabled) {
  core_->with_cloud([&](CloudStore& cloud) { cloud.set_disabled(disabled); });
}
Stats AssetsSimulator::stats() const {
  return core_->stats();
}
std::vector<qi::sim::RecordedRequest> AssetsSimulator::requests() const {
  return core_->requests();
}
std::vector<std::int64_t> AssetsSimulator::dc_starts() const {
  return core_->with_dc([](DcImports& dc) { return dc.starts(); });
}
std::vector<StoredObject> AssetsSimulator::objects() const {
  return core_->with_cloud([](CloudStore& cloud) {
    cloud.running(std::chrono::steady_clock::now());  // applies an execution whose time is up
    return cloud.objects();
  });
}
std::string AssetsSimulator::objects_json() const {
  return qi::assets_sim::objects_json(objects());
}

}  // namespace qi::assets_sim
