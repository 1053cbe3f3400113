// Whether a Cloud push puts our mapping (cloud_mapping.hpp) before it starts: the decision, and
// the record it rests on, kept in state.dir as insight-mapping-digest. The record holds two
// digests (json_digest) taken when we last put the mapping: of the document we sent, and of the
// document the mapping link gave back right after. Comparing the server's document with the second
// one tells "unchanged since we put it" from "edited by the operator", even when Assets returns
// the mapping reformatted or with members of its own.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace qi::insight {

struct MappingRecord {
  std::string ours;    // digest of the mapping document we put
  std::string server;  // digest of the server's document right after; empty: it could not be read
};

// nullopt when there is no record or it cannot be read (as if we never put a mapping).
std::optional<MappingRecord> read_mapping_record(const std::filesystem::path& state_dir);
// Atomically, mode 0600. Throws qi::FatalError.
void save_mapping_record(const std::filesystem::path& state_dir, const MappingRecord& record);

enum class MappingAction {
  keep,                    // the server holds ours, or ours did not change since we put it
  put,                     // missing, or ours changed and the server's is the one we put
  put_over_operator_edit,  // the server's is not the one we put; insight.cloud.manage_mapping
  keep_operator_edit,      // the same without manage_mapping: the operator's mapping stays
};

struct MappingFacts {
  bool missing = false;  // configstatus MISSING_MAPPING, or the mapping link answered 404
  std::string ours;      // digest of our mapping now
  // Digest of the server's mapping now; nullopt when it could not be read back.
  std::optional<std::string> server;
  std::optional<MappingRecord> record;
  bool manage_mapping = true;
};

MappingAction decide_mapping(const MappingFacts& facts);

// One line for the log: what was decided and why.
std::string describe(MappingAction action);

}  // namespace qi::insight
