#include "output/manifest.hpp"

#include <fcntl.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "output/atomic_file.hpp"
#include "output/content_tap.hpp"
#include "output/csv_lines.hpp"
#include "output/file_descriptor.hpp"
#include "output/json_fields.hpp"

namespace qi::output {

Manifest read_manifest(const std::filesystem::path& dir) {
  Manifest manifest;
  std::string text;
  try {
    read_blocks(dir / kManifestFile, [&](std::string_view piece) { text.append(piece); });
  } catch (const FatalError&) {
    return manifest;
  }
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) return manifest;
  if (auto files = doc.FindMember("files"); files != doc.MemberEnd() && files->value.IsObject()) {
    for (const auto& [name, value] : files->value.GetObject()) {
      if (!value.IsObject()) continue;
      manifest.files[name.GetString()] = {
          json_number_member(value, "rows"),
          json_number_member(value, "bytes"),
          json_string_member(value, "sha256"),
          json_string_member(value, "job"),
          json_string_member(value, "run_id"),
          json_string_member(value, "published_at"),
          {json_number_member(value, "inode"), json_number_member(value, "bytes"),
           json_number_member(value, "mtime_ns"), json_number_member(value, "ctime_ns")}};
    }
  }
  manifest.references = read_reference_checks(doc);
  return manifest;
}

void write_manifest(const std::filesystem::path& dir, const Manifest& manifest) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("files");
  w.StartObject();
  for (const auto& [name, f] : manifest.files) {
    w.Key(name.c_str());
    w.StartObject();
    write_manifest_entry_fields(w, f);
    if (f.identity.known()) {
      w.Key("inode");
      w.Uint64(f.identity.inode);
      w.Key("mtime_ns");
      w.Uint64(f.identity.mtime_ns);
      w.Key("ctime_ns");
      w.Uint64(f.identity.ctime_ns);
    }
    w.EndObject();
  }
  w.EndObject();
  write_reference_checks(w, manifest.references);
  w.EndObject();
  std::string text(buffer.GetString(), buffer.GetSize());
  text += '\n';

  replace_file_atomically(dir / kManifestFile, text);
}

namespace {

std::uint64_t nanoseconds(const struct timespec& time) {
  return static_cast<std::uint64_t>(time.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(time.tv_nsec);
}

FileIdentity identity_from(const struct stat& info) {
  return {static_cast<std::uint64_t>(info.st_ino), static_cast<std::uint64_t>(info.st_size),
          nanoseconds(info.st_mtim), nanoseconds(info.st_ctim)};
}

}  // namespace

std::string sha256_of_file(const std::filesystem::path& file) {
  Sha256 sha;
  read_blocks(file, [&](std::string_view piece) { sha.consume(piece); });
  return sha.hex();
}

std::optional<FileIdentity> identity_of(const std::filesystem::path& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) {
    if (errno == ENOENT) return std::nullopt;
    throw FatalError("cannot stat " + file.string() + ": " + std::strerror(errno));
  }
  return identity_from(info);
}

ManifestFile measure_file(const std::filesystem::path& file) {
  FileDescriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat info {};
  if (!fd.valid() || ::fstat(fd.get(), &info) != 0) {
    throw FatalError("cannot read " + file.string() + ": " + std::strerror(errno));
  }
  ManifestFile measured;
  measured.identity = identity_from(info);
  Sha256 sha;
  std::uint64_t lines = 0;
  std::string buffer(1 << 16, '\0');
  for (;;) {
    const auto n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw FatalError("cannot read " + file.string() + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    const std::string_view piece(buffer.data(), static_cast<std::size_t>(n));
    sha.consume(piece);
    lines += static_cast<std::uint64_t>(std::count(piece.begin(), piece.end(), '\n'));
    measured.bytes += piece.size();
  }
  measured.rows = lines > 0 ? lines - 1 : 0;  // the header is not a row
  measured.sha256 = sha.hex();
  return measured;
}

std::uint64_t count_csv_rows(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return 0;
  std::uint64_t lines = 0;
  read_blocks(file, [&](std::string_view piece) {
    for (const char *p = piece.data(), *end = p + piece.size();
         (p = static_cast<const char*>(std::memchr(p, '\n', end - p))) != nullptr; ++p) {
      ++lines;
    }
  });
  return lines > 0 ? lines - 1 : 0;
}

}  // namespace qi::output
