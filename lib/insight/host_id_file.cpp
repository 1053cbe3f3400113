#include "insight/host_id_file.hpp"

#include <algorithm>
#include <fstream>
#include <limits>

#include "common/error.hpp"
#include "insight/csv_row_reader.hpp"
#include "output/csv_lines.hpp"
#include "output/manifest.hpp"
#include "state/state_dir.hpp"

namespace qi::insight {
namespace {

// The layout jobs/incremental_base.hpp writes: <state.dir>/base/assets.meta names, on its
// "dir" line, the directory under base/ that holds the assets job's last publication.
constexpr std::string_view kAssetsMeta = "assets.meta";
constexpr std::string_view kHostIdsFile = "asset-host-ids.csv";
constexpr std::string_view kAssetsFile = "assets.csv";

// Rows of asset-host-ids.csv are short; a long one is damage.
constexpr std::size_t kMaxHostIdRow = 4096;

std::optional<std::uint64_t> unsigned_id(std::string_view text) {
  const auto value = output::to_int(text);
  if (!value || *value < 0) return std::nullopt;
  return static_cast<std::uint64_t>(*value);
}

std::optional<std::filesystem::path> assets_base(const std::filesystem::path& state_dir) {
  std::ifstream meta(state::StateDir(state_dir).bases() / kAssetsMeta);
  std::string line;
  while (std::getline(meta, line)) {
    if (line.starts_with("dir ") && line.find('/') == std::string::npos) {
      return state::StateDir(state_dir).bases() / line.substr(4);
    }
  }
  return std::nullopt;
}

}  // namespace

HostIdFile::HostIdFile(const std::filesystem::path& file) {
  CsvRowReader rows(file, kMaxHostIdRow);
  rows.next_line();  // the header
  while (const auto line = rows.next_line()) {
    std::string_view row = *line;
    const auto asset = output::next_field(row);
    const auto host = output::next_field(row);
    const auto asset_id = asset ? unsigned_id(*asset) : std::nullopt;
    if (!asset_id || !host || !unsigned_id(*host) || !row.empty()) {
      throw FatalError(file.string() + ": line " + std::to_string(rows.line_number()) +
                       " is not an asset ID and a host ID");
    }
    entries_.push_back({*asset_id, static_cast<std::uint32_t>(digits_.size()),
                        static_cast<std::uint32_t>(host->size())});
    digits_ += *host;
    if (digits_.size() > std::numeric_limits<std::uint32_t>::max()) {
      throw FatalError(file.string() + " is too large for a host ID record");
    }
  }
  std::sort(entries_.begin(), entries_.end(),
            [](const Entry& a, const Entry& b) { return a.asset_id < b.asset_id; });
  entries_.shrink_to_fit();
  digits_.shrink_to_fit();
}

std::optional<std::string_view> HostIdFile::host_id(std::string_view asset_id) const {
  const auto id = unsigned_id(asset_id);
  if (!id) return std::nullopt;
  const auto it = std::lower_bound(entries_.begin(), entries_.end(), *id,
                                   [](const Entry& e, std::uint64_t v) { return e.asset_id < v; });
  if (it == entries_.end() || it->asset_id != *id) return std::nullopt;
  return std::string_view(digits_).substr(it->offset, it->length);
}

AssetHostIds asset_host_ids(const std::filesystem::path& state_dir,
                            std::string_view assets_sha256) {
  AssetHostIds out{std::make_unique<NoHostIds>(), {}};
  const auto base = assets_base(state_dir);
  if (!base) {
    out.problem = "the assets job has kept no host IDs in " +
                  state::StateDir(state_dir).bases().string() + " (no incremental base)";
    return out;
  }
  try {
    if (output::sha256_of_file(*base / kAssetsFile) != assets_sha256) {
      out.problem = "the host IDs in " + base->string() +
                    " belong to another assets.csv than the published one";
      return out;
    }
    out.lookup = std::make_unique<HostIdFile>(*base / kHostIdsFile);
  } catch (const FatalError& error) {
    out.problem = error.what();
  }
  return out;
}

}  // namespace qi::insight
