// What Assets does with an execution's data once sending ended: checks each value against its
// attribute's type, resolves references through the attribute mapping's objectMappingIQL (against
// the objects stored before and the ones of this execution), then creates or updates objects by
// their externalId. References resolve after every object is known, as Assets documents.
#include <string_view>
#include <unordered_map>
#include <utility>

#include "assets_sim/cloud_chunk.hpp"
#include "qualys_sim/sim_util.hpp"

namespace qi::assets_sim {

namespace {

constexpr std::size_t kErrorsKept = 20;

// The attribute name an objectMappingIQL compares, e.g. `"Host ID" = ${hostId}` or
// `Key IN (${cves${0}})` give "Host ID" and "Key".
std::string iql_attribute(std::string_view iql) {
  while (!iql.empty() && iql.front() == ' ') iql.remove_prefix(1);
  if (iql.starts_with('"')) {
    const auto end = iql.find('"', 1);
    return std::string(iql.substr(1, end == std::string_view::npos ? end : end - 1));
  }
  return std::string(iql.substr(0, iql.find_first_of(" =")));
}

// An ISO 8601 date, optionally with a time: "2026-01-11", "2026-01-11T01:02:03Z",
// "2026-01-11T01:02:03.004+01:00". Assets reads more forms; ours are always these.
bool iso_date_time(std::string_view value) {
  const auto digits = [&](std::size_t at, std::size_t n) {
    for (std::size_t i = at; i < at + n; ++i) {
      if (value[i] < '0' || value[i] > '9') return false;
    }
    return true;
  };
  if (value.size() < 10 || !digits(0, 4) || value[4] != '-' || !digits(5, 2) || value[7] != '-' ||
      !digits(8, 2)) {
    return false;
  }
  if (value.size() == 10) return true;
  return value.size() >= 16 && (value[10] == 'T' || value[10] == ' ') && digits(11, 2) &&
         value[13] == ':' && digits(14, 2);
}

std::string type_problem(const std::string& type, const std::string& value) {
  if (type == "date_time" && !iso_date_time(value)) return "is not an ISO 8601 date and time";
  if (type == "integer" && !qi::sim::parse_int(value)) return "is not an integer";
  if (type == "boolean" && value != "true" && value != "false") return "is not a boolean";
  if (type == "double") {
    char* end = nullptr;
    std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0') return "is not a number";
  }
  return {};
}

class Processor {
 public:
  Processor(Execution& execution, const Mapping& mapping, ObjectStore& store)
      : execution_(execution), mapping_(mapping), store_(store) {}

  void run() {
    std::vector<const PendingObject*> valid;
    for (const auto& object : execution_.pending) {
      ++result(object).in_source;
      if (check_types(object)) valid.push_back(&object);
    }
    for (const auto* object : valid)
      pending_by_type_[type_of(*object).external_id].push_back(object);
    for (const auto* object : valid) {
      StoredObject stored;
      if (!resolve(*object, stored)) continue;
      auto& slot = store_[stored.object_type];
      TypeResult& r = result(*object);
      ++(slot.contains(stored.external_id) ? r.updated : r.created);
      slot[stored.external_id] = std::move(stored);
    }
    execution_.pending.clear();
  }

 private:
  const ObjectTypeDef& type_of(const PendingObject& object) const {
    return *mapping_.type(mapping_.mappings[object.mapping].object_type);
  }
  TypeResult& result(const PendingObject& object) {
    return execution_.results[type_of(object).external_id];
  }
  void fail(const PendingObject& object, const std::string& message) {
    TypeResult& r = result(object);
    ++r.failed;
    if (r.errors.size() < kErrorsKept) r.errors.push_back(object.external_id + ": " + message);
  }

  bool check_types(const PendingObject& object) {
    const ObjectTypeDef& type = type_of(object);
    for (const auto& [attribute, values] : object.values) {
      const AttributeDef* def = type.attribute(attribute);
      if (def->max_values != -1 && std::cmp_greater(values.size(), def->max_values)) {
        fail(object, "attribute " + def->name + ": " + std::to_string(values.size()) +
                         " values, at most " + std::to_string(def->max_values) + " allowed");
        return false;
      }
      for (const auto& value : values) {
        const std::string problem = type_problem(def->type, value);
        if (!problem.empty()) {
          fail(object, "attribute " + def->name + ": '" + value + "' " + problem);
          return false;
        }
      }
    }
    return true;
  }

  // value → externalId of the target type's objects, by the target attribute's name.
  const std::unordered_map<std::string, std::string>& index(const ObjectTypeDef& target,
                                                            const std::string& name) {
    const std::string key = target.external_id + "\n" + name;
    if (const auto it = indexes_.find(key); it != indexes_.end()) return it->second;
    auto& map = indexes_[key];
    const AttributeDef* def = target.attribute_named(name);
    if (!def) return map;
    for (const auto& [id, stored] : store_[target.external_id]) {
      if (const auto v = stored.attributes.find(def->external_id); v != stored.attributes.end()) {
        for (const auto& value : v->second) map.emplace(value, id);
      }
    }
    for (const auto* object : pending_by_type_[target.external_id]) {
      if (const auto v = object->values.find(def->external_id); v != object->values.end()) {
        for (const auto& value : v->second) map[value] = object->external_id;
      }
    }
    return map;
  }

  bool resolve(const PendingObject& object, StoredObject& out) {
    const ObjectTypeDef& type = type_of(object);
    out.object_type = type.external_id;
    out.external_id = object.external_id;
    for (const auto& am : mapping_.mappings[object.mapping].attributes) {
      const auto found = object.values.find(am.attribute);
      if (found == object.values.end()) continue;
      const AttributeDef* def = type.attribute(am.attribute);
      std::vector<std::string> values = found->second;
      if (def->type == "referenced_object") {
        const ObjectTypeDef* target = mapping_.type(def->reference_type);
        const auto& lookup = index(*target, iql_attribute(am.object_mapping_iql));
        for (auto& value : values) {
          const auto hit = lookup.find(value);
          if (hit == lookup.end()) {
            fail(object, "attribute " + def->name + ": no " + target->name + " matches " +
                             am.object_mapping_iql + " for '" + value + "'");
            return false;
          }
          value = target->external_id + "/" + hit->second;
        }
      }
      if (def->label && !values.empty()) out.label = values.front();
      out.attributes[am.attribute] = std::move(values);
    }
    return true;
  }

  Execution& execution_;
  const Mapping& mapping_;
  ObjectStore& store_;
  std::map<std::string, std::vector<const PendingObject*>> pending_by_type_;
  std::map<std::string, std::unordered_map<std::string, std::string>> indexes_;
};

}  // namespace

void process_execution(Execution& execution, const Mapping& mapping, ObjectStore& store) {
  Processor(execution, mapping, store).run();
}

}  // namespace qi::assets_sim
