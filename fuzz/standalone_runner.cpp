// Replays files through a fuzz target without libFuzzer (the PowerDNS "standalone corpus runner"):
// linked with a target when the build is not a clang QI_FUZZ build, so the normal GCC test run
// (and the ASan preset) keeps every corpus file, crash reproducers included, passing.
//   usage: <target>_replay PATH...   (files, or directories read recursively)
// A missing PATH is an error: a replay test that silently replays nothing proves nothing.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void replay_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  const std::vector<char> bytes{std::istreambuf_iterator<char>(in),
                                std::istreambuf_iterator<char>()};
  // A copy of exactly `size` bytes, so ASan sees a read past the end as it would under libFuzzer.
  const std::vector<std::uint8_t> input(bytes.begin(), bytes.end());
  LLVMFuzzerTestOneInput(input.data(), input.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t replayed = 0;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::filesystem::path path(argv[i]);
      if (std::filesystem::is_directory(path)) {
        std::vector<std::filesystem::path> files;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
          if (entry.is_regular_file()) files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());  // a stable order makes a failure easy to rerun
        for (const auto& file : files) {
          std::cout << "replay " << file.string() << '\n' << std::flush;
          replay_file(file);
          ++replayed;
        }
      } else if (std::filesystem::is_regular_file(path)) {
        std::cout << "replay " << path.string() << '\n' << std::flush;
        replay_file(path);
        ++replayed;
      } else {
        std::cerr << "no such file or directory: " << path.string() << '\n';
        return 2;
      }
    }
  } catch (const std::exception& e) {
    // An exception escaping LLVMFuzzerTestOneInput is a finding, as it would be under libFuzzer.
    std::cerr << "uncaught exception: " << e.what() << '\n';
    return 1;
  }
  std::cout << replayed << " inputs replayed\n";
  return 0;
}
