#include "jobs/reference_checks.hpp"

#include <algorithm>
#include <limits>

#include "jobs/columns.hpp"
#include "output/csv_lines.hpp"
#include "state/state_dir.hpp"

namespace qi::jobs {

namespace {

constexpr std::size_t kFirstFew = 5;
constexpr std::int64_t kEmptySlot = std::numeric_limits<std::int64_t>::min();

void note(output::ReferenceCheck& check, std::int64_t id) {
  ++check.count;
  if (check.first.size() < kFirstFew) check.first.push_back(std::to_string(id));
}

std::size_t slot_of(std::int64_t id, std::size_t slots) {
  // Fibonacci hashing: QIDs are dense, and the top bits spread them over the table.
  return static_cast<std::size_t>((static_cast<std::uint64_t>(id) * 0x9E3779B97F4A7C15ull) >> 32) &
         (slots - 1);
}

bool insert_into(std::vector<std::int64_t>& slots, std::int64_t id) {
  for (auto i = slot_of(id, slots.size());; i = (i + 1) & (slots.size() - 1)) {
    if (slots[i] == id) return false;
    if (slots[i] == kEmptySlot) {
      slots[i] = id;
      return true;
    }
  }
}

template <class Ids>
void read_rows(const std::filesystem::path& file, Ids& ids) {
  output::for_each_row(file, [&](std::string_view row) { ids.row(row); });
}

}  // namespace

void VmReferenceIds::row(std::string_view row) {
  const auto host_field = output::next_field(row);
  const auto qg_host_field = output::next_field(row);
  const auto qid_field = output::next_field(row);
  if (!host_field || !qg_host_field || !qid_field) return;
  const auto host = output::to_int(*host_field);
  const auto qid = output::to_int(*qid_field);
  if (!host || !qid) return;
  if (host != last_host_) host_runs_.push_back(*host);
  last_host_ = host;
  if (first_sight_of_qid(*qid)) qids_.push_back(*qid);
}

bool VmReferenceIds::first_sight_of_qid(std::int64_t qid) {
  if (qid == kEmptySlot) return !std::exchange(seen_empty_marker_, true);
  if (2 * (qids_.size() + 1) > qid_slots_.size()) {
    std::vector<std::int64_t> grown(std::max<std::size_t>(1024, 2 * qid_slots_.size()), kEmptySlot);
    for (const auto id : qids_) {
      if (id != kEmptySlot) insert_into(grown, id);
    }
    qid_slots_ = std::move(grown);
  }
  return insert_into(qid_slots_, qid);
}

void VmReferenceIds::clear() {
  host_runs_.clear();
  last_host_.reset();
  qids_.clear();
  qid_slots_.clear();
  seen_empty_marker_ = false;
}

output::ReferenceCheck VmReferenceIds::hosts_missing_from(
    const std::vector<std::int64_t>& asset_hosts) const {
  output::ReferenceCheck check;
  for (const auto host : host_runs_) {
    if (!std::binary_search(asset_hosts.begin(), asset_hosts.end(), host)) note(check, host);
  }
  return check;
}

output::ReferenceCheck VmReferenceIds::qids_missing_from(
    const std::vector<std::int64_t>& kb_qids) const {
  output::ReferenceCheck check;
  for (const auto qid : qids_) {
    if (!std::binary_search(kb_qids.begin(), kb_qids.end(), qid)) note(check, qid);
  }
  return check;
}

void VulnKbQids::row(std::string_view row) {
  const auto field = output::next_field(row);
  if (!field) return;
  if (const auto id = output::to_int(*field)) qids_.push_back(*id);
}

std::vector<std::int64_t> VulnKbQids::sorted() const {
  auto qids = qids_;
  std::sort(qids.begin(), qids.end());
  return qids;
}

void tap_for_publishing(output::Publication& publication) {
  for (const auto name : {kAssetsFile, kVulnKbFile, kCveFile, kVmFile}) {
    if (!publication.holds(name)) continue;
    publication.add_tap(name, std::make_unique<output::Sha256>());
    if (name == kVmFile) publication.add_tap(name, std::make_unique<VmReferenceIds>());
    if (name == kVulnKbFile) publication.add_tap(name, std::make_unique<VulnKbQids>());
  }
}

std::map<std::string, output::ReferenceCheck> check_references(
    const std::filesystem::path& output_dir, const std::filesystem::path& state_dir,
    const output::Publication* published) {
  std::map<std::string, output::ReferenceCheck> checks;
  const auto vm_file = output_dir / kVmFile;
  std::error_code ec;
  if (!std::filesystem::exists(vm_file, ec)) return checks;
  std::optional<std::vector<std::int64_t>> qids;
  if (const auto* tapped = published ? published->find_tap<VulnKbQids>(kVulnKbFile) : nullptr) {
    qids = tapped->sorted();
  } else if (std::filesystem::exists(output_dir / kVulnKbFile, ec)) {
    VulnKbQids read_back;
    read_rows(output_dir / kVulnKbFile, read_back);
    qids = read_back.sorted();
  }
  const auto hosts = state::StateDir(state_dir).read_asset_host_ids();
  if (!qids && !hosts) return checks;

  const auto* vm = published ? published->find_tap<VmReferenceIds>(kVmFile) : nullptr;
  VmReferenceIds read_back;
  if (!vm) {
    read_rows(vm_file, read_back);
    vm = &read_back;
  }
  if (qids) checks["vm_qids_missing_from_vulnkb"] = vm->qids_missing_from(*qids);
  if (hosts) checks["vm_hosts_missing_from_assets"] = vm->hosts_missing_from(*hosts);
  return checks;
}

}  // namespace qi::jobs
