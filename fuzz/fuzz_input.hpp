// Helpers shared by the fuzz targets: viewing the fuzzer's bytes as text, splitting a body into
// the two chunks a network read might deliver, and a per-process scratch file for the loaders
// that only take a path (config.yaml, auth.conf).
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace qi::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The first byte picks where the body is cut (0 → everything in the second chunk, 255 → almost
// everything in the first), so the fuzzer explores chunk boundaries inside tags, entities,
// multi-byte UTF-8 and JSON tokens. The first byte stays part of the body: our fixtures and the
// shared samples are usable seeds as they are.
inline std::pair<std::string_view, std::string_view> split_by_first_byte(std::string_view body) {
  if (body.empty()) return {};
  const std::size_t cut = static_cast<unsigned char>(body.front()) * body.size() / 256;
  return {body.substr(0, cut), body.substr(cut)};
}

// A file in the temp directory named after our pid (libFuzzer -fork/-jobs run several processes),
// rewritten for every input and removed when the process exits normally.
class ScratchFile {
 public:
  explicit ScratchFile(std::string_view suffix)
      : path_(std::filesystem::temp_directory_path() /
              ("qi-fuzz-" + std::to_string(::getpid()) + "-" + std::string(suffix))) {}
  ~ScratchFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  const std::filesystem::path& write(std::string_view bytes) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path_;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace qi::fuzz
