// parser_trace: prints everything the Qualys XML parsers report for each input file, fed whole,
// byte by byte and in 7-byte and 4096-byte pieces: records, WARNING, next page URL,
// SIMPLE_RETURN, and the exception (type and message) if any. bench/parser_diff.sh builds it
// against two source trees and compares the traces, to show that a change to lib/xml or the
// parsers keeps their behaviour byte-identical.
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>

#include "common/error.hpp"
#include "qualys/detection_parser.hpp"
#include "qualys/host_id_set_parser.hpp"
#include "qualys/kb_parser.hpp"
#include "qualys/simple_return.hpp"

namespace {

using namespace qi::qualys;

template <typename Parser>
void feed(Parser& parser, const std::string& body, std::size_t piece) {
  if (piece == 0) {
    parser.feed(body);
  } else {
    for (std::size_t i = 0; i < body.size(); i += piece) {
      parser.feed(std::string_view(body).substr(i, piece));
    }
  }
  parser.finish();
}

void common(std::ostream& out, const QualysXmlDocument& doc) {
  if (const auto& w = doc.warning())
    out << "warning [" << w->code << "][" << w->text << "][" << w->url << "]\n";
  if (const auto& u = doc.next_page_url()) out << "next [" << *u << "]\n";
  if (const auto& r = doc.simple_return()) {
    out << "return [" << r->code << "][" << r->text << "]";
    for (const auto& [k, v] : r->items) out << " [" << k << "=" << v << "]";
    out << "\n";
  }
}

template <typename Run>
void guarded(std::ostream& out, Run&& run) {
  try {
    run();
  } catch (const qi::TransientError& e) {
    out << "TransientError " << e.what() << "\n";
  } catch (const qi::FatalError& e) {
    out << "FatalError " << e.what() << "\n";
  } catch (const std::exception& e) {
    out << "exception " << e.what() << "\n";
  }
}

void trace(std::ostream& out, const std::string& body, std::size_t piece) {
  out << "-- kb\n";
  guarded(out, [&] {
    KbParser p([&](KbVuln&& v) {
      out << "vuln " << v.qid << " [" << v.title << "][" << v.category << "][" << v.severity_level
          << "]";
      for (const auto& c : v.cves) out << " [" << c << "]";
      out << "\n";
    });
    try {
      feed(p, body, piece);
    } catch (...) {
      common(out, p);
      throw;
    }
    common(out, p);
    out << "count " << p.vuln_count() << " last " << p.last_qid().value_or(-1) << "\n";
  });
  out << "-- detection\n";
  guarded(out, [&] {
    DetectionParser p([&](DetectionHost&& h) {
      out << "host " << h.host_id << " [" << h.qg_hostid << "]";
      for (auto q : h.qids) out << " " << q;
      out << "\n";
    });
    try {
      feed(p, body, piece);
    } catch (...) {
      common(out, p);
      throw;
    }
    common(out, p);
    out << "count " << p.host_count() << "\n";
  });
  out << "-- hostlist\n";
  guarded(out, [&] {
    HostIdSetParser p(
        [&](std::int64_t a, std::int64_t b) { out << "range " << a << "-" << b << "\n"; });
    try {
      feed(p, body, piece);
    } catch (...) {
      common(out, p);
      throw;
    }
    common(out, p);
    out << "count " << p.range_count() << "\n";
  });
  out << "-- simple_return\n";
  if (auto r = parse_simple_return(body)) {
    out << "return [" << r->code << "][" << r->text << "]";
    for (const auto& [k, v] : r->items) out << " [" << k << "=" << v << "]";
    out << "\n";
  } else {
    out << "none\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string body = buffer.str();
    for (std::size_t piece : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
      // Byte by byte is slow for big files: only for small ones.
      if (piece == 1 && body.size() > 200000) continue;
      std::cout << "== " << argv[i] << " piece " << piece << "\n";
      trace(std::cout, body, piece);
    }
  }
}
