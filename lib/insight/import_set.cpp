#include "insight/import_set.hpp"

#include "output/content_tap.hpp"

namespace qi::insight {

const ImportFile* ImportSet::find(std::string_view name) const {
  for (const auto& file : files) {
    if (file.name == name) return &file;
  }
  return nullptr;
}

std::string import_set_id(const std::vector<ImportFile>& files) {
  output::Sha256 digest;
  for (const auto& file : files) {
    // Names and digests hold no line feed: one line per file cannot run into the next.
    digest.consume(file.name + " " + file.sha256 + "\n");
  }
  return digest.hex();
}

namespace {

// The file's SHA-256 when it still is the version `entry` describes; nullopt when it is not.
// `identity` receives what the file is now.
std::optional<std::string> matching_sha(const std::filesystem::path& path,
                                        const output::ManifestFile& entry,
                                        output::FileIdentity& identity) {
  const auto now = output::identity_of(path);
  if (!now) return std::nullopt;
  if (entry.identity.known() && entry.identity == *now) {
    identity = *now;
    return entry.sha256;
  }
  auto measured = output::measure_file(path);
  identity = measured.identity;
  if (measured.sha256 != entry.sha256) return std::nullopt;
  return measured.sha256;
}

}  // namespace

SetCheck check_published_set(const std::filesystem::path& dir) {
  const auto manifest = output::read_manifest(dir);
  CheckedSet checked;
  for (const auto name : kImportFiles) {
    const auto entry = manifest.files.find(std::string(name));
    if (entry == manifest.files.end()) continue;
    const auto path = dir / name;
    output::FileIdentity identity;
    if (!matching_sha(path, entry->second, identity)) {
      return {std::nullopt, std::string(name) + " on disk is not the file manifest.json describes"};
    }
    checked.set.files.push_back(
        {std::string(name), path, entry->second.sha256, entry->second.rows, entry->second.bytes});
    checked.checked.push_back({std::string(name), identity});
  }
  if (checked.set.files.empty()) {
    return {std::nullopt, "manifest.json in " + dir.string() + " names no published file", true};
  }
  checked.set.id = import_set_id(checked.set.files);
  return {std::move(checked), {}};
}

std::string recheck_set(const std::filesystem::path& dir, const CheckedSet& set) {
  for (std::size_t i = 0; i < set.checked.size(); ++i) {
    const auto& file = set.set.files[i];
    const auto now = output::identity_of(dir / file.name);
    if (now && *now == set.checked[i].identity) continue;
    if (!now || output::measure_file(dir / file.name).sha256 != file.sha256) {
      return file.name + " changed while it was imported";
    }
  }
  return {};
}

}  // namespace qi::insight
