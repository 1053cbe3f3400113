#include "output/manifest.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "common/error.hpp"
#include "output/atomic_file.hpp"
#include "output/csv_lines.hpp"
#include "output/file_descriptor.hpp"

namespace qi::output {

namespace {

std::string member_string(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

std::uint64_t member_number(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsUint64() ? it->value.GetUint64() : 0;
}

}  // namespace

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
          member_number(value, "rows"),
          member_number(value, "bytes"),
          member_string(value, "sha256"),
          member_string(value, "job"),
          member_string(value, "run_id"),
          member_string(value, "published_at"),
          {member_number(value, "inode"), member_number(value, "bytes"),
           member_number(value, "mtime_ns"), member_number(value, "ctime_ns")}};
    }
  }
  if (auto refs = doc.FindMember("references"); refs != doc.MemberEnd() && refs->value.IsObject()) {
    for (const auto& [name, value] : refs->value.GetObject()) {
      if (!value.IsObject()) continue;
      ReferenceCheck check;
      check.count = member_number(value, "count");
      if (auto first = value.FindMember("first");
          first != value.MemberEnd() && first->value.IsArray()) {
        for (const auto& id : first->value.GetArray()) {
          if (id.IsString()) check.first.emplace_back(id.GetString());
        }
      }
      manifest.references[name.GetString()] = std::move(check);
    }
  }
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
    w.Key("rows");
    w.Uint64(f.rows);
    w.Key("bytes");
    w.Uint64(f.bytes);
    w.Key("sha256");
    w.String(f.sha256.c_str());
    w.Key("job");
    w.String(f.job.c_str());
    w.Key("run_id");
    w.String(f.run_id.c_str());
    w.Key("published_at");
    w.String(f.published_at.c_str());
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
  w.Key("references");
  w.StartObject();
  for (const auto& [name, check] : manifest.references) {
    w.Key(name.c_str());
    w.StartObject();
    w.Key("count");
    w.Uint64(check.count);
    w.Key("first");
    w.StartArray();
    for (const auto& id : check.first) w.String(id.c_str());
    w.EndArray();
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  std::string text(buffer.GetString(), buffer.GetSize());
  text += '\n';

  replace_file_atomically(dir / kManifestFile, text);
}

namespace {

class Sha256 {
 public:
  Sha256() : context_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    if (!context_ || EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) != 1) {
      throw FatalError("cannot start SHA-256");
    }
  }
  void update(std::string_view piece) {
    EVP_DigestUpdate(context_.get(), piece.data(), piece.size());
  }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(context_.get(), digest, &length);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string text;
    text.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
      text.push_back(kHex[digest[i] >> 4]);
      text.push_back(kHex[digest[i] & 15]);
    }
    return text;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context_;
};

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
  read_blocks(file, [&](std::string_view piece) { sha.update(piece); });
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
    sha.update(piece);
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
