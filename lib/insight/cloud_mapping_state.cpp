#include "insight/cloud_mapping_state.hpp"

#include <fstream>

#include "output/atomic_file.hpp"
#include "state/state_dir.hpp"

namespace qi::insight {
namespace {

std::filesystem::path record_file(const std::filesystem::path& state_dir) {
  return state_dir / state::StateDir::kInsightMappingDigest;
}

bool is_digest(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

std::optional<MappingRecord> read_mapping_record(const std::filesystem::path& state_dir) {
  std::ifstream in(record_file(state_dir));
  MappingRecord record;
  std::string key;
  std::string value;
  while (in >> key >> value) {
    if (!is_digest(value)) return std::nullopt;
    if (key == "ours") record.ours = value;
    if (key == "server") record.server = value;
  }
  if (record.ours.empty()) return std::nullopt;
  return record;
}

void save_mapping_record(const std::filesystem::path& state_dir, const MappingRecord& record) {
  std::string text = "ours " + record.ours + "\n";
  if (!record.server.empty()) text += "server " + record.server + "\n";
  output::replace_file_atomically(record_file(state_dir), text, output::kPrivateFileMode);
}

MappingAction decide_mapping(const MappingFacts& facts) {
  if (facts.missing) return MappingAction::put;
  if (facts.server && *facts.server == facts.ours) return MappingAction::keep;
  const auto& record = facts.record;
  // The server still holds what we put last (or, unreadable, we trust that it does): our own
  // change is the only reason to put.
  const bool server_is_ours =
      record && (facts.server ? !record->server.empty() && *facts.server == record->server
                              : record->ours == facts.ours);
  if (server_is_ours) return record->ours == facts.ours ? MappingAction::keep : MappingAction::put;
  return facts.manage_mapping ? MappingAction::put_over_operator_edit
                              : MappingAction::keep_operator_edit;
}

std::string describe(MappingAction action) {
  switch (action) {
    case MappingAction::keep:
      return "the import source holds our mapping";
    case MappingAction::put:
      return "putting our mapping (the import source has none, or ours changed)";
    case MappingAction::put_over_operator_edit:
      return "putting our mapping over one that is not the one we put last (edited in Assets, or "
             "no record in state.dir); insight.cloud.manage_mapping is true";
    case MappingAction::keep_operator_edit:
      return "keeping the import source's mapping, which is not the one we put last "
             "(insight.cloud.manage_mapping is false); objects it does not expect fail in Assets";
  }
  return {};
}

}  // namespace qi::insight
