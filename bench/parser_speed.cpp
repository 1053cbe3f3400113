// parser_speed: parses a KB or host detection file with KbParser / DetectionParser only (no CSV
// writing, no I/O but reading the file once into memory) and prints the CPU seconds.
// bench/parser_speed.sh builds it against two source trees to time a parser change alone.
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

#include "qualys/detection_parser.hpp"
#include "qualys/kb_parser.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: parser_speed kb|vm FILE\n");
    return 2;
  }
  std::ifstream in(argv[2], std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string body = buffer.str();
  const bool kb = std::string(argv[1]) == "kb";
  std::size_t records = 0;
  const std::clock_t start = std::clock();
  // Fed in 64 KiB pieces, like a network body (lib/net/exchange.cpp).
  auto run = [&](auto& parser) {
    for (std::size_t i = 0; i < body.size(); i += 65536) {
      parser.feed(std::string_view(body).substr(i, 65536));
    }
    parser.finish();
  };
  if (kb) {
    qi::qualys::KbParser parser([&](qi::qualys::KbVuln&& v) { records += 1 + v.cves.size(); });
    run(parser);
  } else {
    qi::qualys::DetectionParser parser(
        [&](qi::qualys::DetectionHost&& h) { records += h.qids.size(); });
    run(parser);
  }
  std::printf("%.3f %zu\n", double(std::clock() - start) / CLOCKS_PER_SEC, records);
}
