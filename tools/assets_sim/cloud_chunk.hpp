// A submitResults body ({"data": {<selector>: [objects]}, "clientGeneratedId": "...",
// "completed": false|true}) checked against the mapping: every key of data is a selector, every
// object has its identifier values, the chunk holds at most the configured number of objects.
// All or nothing: a chunk with one bad object is refused whole.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "assets_sim/cloud_mapping.hpp"
#include "assets_sim/cloud_store.hpp"

namespace qi::assets_sim {

struct Chunk {
  bool completed = false;
  std::string client_generated_id;  // "" when not sent
  std::vector<PendingObject> objects;
};

std::variant<Chunk, std::vector<ValidationError>> parse_chunk(std::string_view body,
                                                              const Mapping& mapping,
                                                              std::size_t max_objects);

// Writes the execution's pending objects into the store, counting created, updated and failed
// per object type (cloud_process.cpp).
using ObjectStore = std::map<std::string, std::map<std::string, StoredObject>>;
void process_execution(Execution& execution, const Mapping& mapping, ObjectStore& store);

}  // namespace qi::assets_sim
