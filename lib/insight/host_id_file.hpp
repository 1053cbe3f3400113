// The VM host ID of each CSAM asset, for the Host objects of a Cloud push (a Detection finds its
// Host by it, and assets.csv has no host ID column). The assets job keeps the asset → host ID
// pairs beside its incremental base, as asset-host-ids.csv ("AssetID","HostID"), next to the copy
// of the assets.csv it published. Owned by one Cloud push.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "insight/object_chunks.hpp"

namespace qi::insight {

// The pairs of one asset-host-ids.csv, held sorted: about 26 bytes per asset (an 8-byte asset ID,
// the host ID's offset and length, and its digits), 2.6 MB for 100,000 assets.
class HostIdFile final : public HostIdLookup {
 public:
  // Reads the whole file. Throws qi::FatalError when it cannot be read or a row is not an asset
  // ID and a host ID.
  explicit HostIdFile(const std::filesystem::path& file);

  std::optional<std::string_view> host_id(std::string_view asset_id) const override;

  std::size_t size() const { return entries_.size(); }
  std::size_t memory_bytes() const {
    return entries_.capacity() * sizeof(Entry) + digits_.capacity();
  }

 private:
  struct Entry {
    std::uint64_t asset_id;
    std::uint32_t offset;  // of the host ID in digits_
    std::uint32_t length;
  };
  std::vector<Entry> entries_;
  std::string digits_;
};

// A lookup that knows no host: every Host goes without a host ID.
class NoHostIds final : public HostIdLookup {
 public:
  std::optional<std::string_view> host_id(std::string_view) const override { return std::nullopt; }
};

// The host IDs that belong to the published assets.csv, or why there are none.
struct AssetHostIds {
  std::unique_ptr<HostIdLookup> lookup;  // never null: NoHostIds when `problem` is set
  std::string problem;                   // empty when the host IDs belong to the file
};

// The host IDs kept with the assets job's incremental base in `state_dir`, when the base's copy of
// assets.csv has the SHA-256 of the published one (`assets_sha256`): only then do the pairs
// describe the assets we push. Never throws for a missing, older or damaged record: it says so in
// `problem`, and the push sends its Hosts without host IDs rather than wrong ones.
AssetHostIds asset_host_ids(const std::filesystem::path& state_dir, std::string_view assets_sha256);

}  // namespace qi::insight
