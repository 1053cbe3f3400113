#include "parser_test_support.hpp"

#include <sstream>

#include "qualys/csam_page_parser.hpp"
#include "qualys/detection_parser.hpp"
#include "qualys/host_id_set_parser.hpp"
#include "qualys/kb_parser.hpp"

namespace qi::qualys::testing {
namespace {

template <typename Parser>
void feed_in_chunks(Parser& parser, std::string_view doc, std::size_t chunk) {
  if (chunk == 0) chunk = 1;
  for (std::size_t i = 0; i < doc.size(); i += chunk) parser.feed(doc.substr(i, chunk));
  parser.finish();
}

void describe_return(std::ostringstream& out, const std::optional<SimpleReturn>& r) {
  if (!r) return;
  out << "RETURN code=" << r->code << " text=" << r->text;
  for (const auto& [k, v] : r->items) out << " " << k << "=" << v;
  out << "\n";
}

}  // namespace

std::string fixture(std::string_view name) {
  return read_file(std::filesystem::path(QI_FIXTURE_DIR) / name);
}

XmlKind kind_for(std::string_view name) {
  if (name.starts_with("kb_")) return XmlKind::kb;
  if (name.starts_with("host_list_")) return XmlKind::host_list;
  return XmlKind::detection;  // hld_* and the return shapes (any parser reports those)
}

std::string summarize_xml(XmlKind kind, std::string_view doc, std::size_t chunk) {
  std::ostringstream out;
  auto common = [&](const QualysXmlDocument& p) {
    describe_return(out, p.simple_return());
    if (p.warning()) {
      out << "WARNING " << p.warning()->code << " " << p.warning()->text << " " << p.warning()->url
          << "\n";
    }
    if (p.next_page_url()) out << "NEXT " << *p.next_page_url() << "\n";
  };
  switch (kind) {
    case XmlKind::kb: {
      KbParser p([&](KbVuln&& v) {
        out << "VULN " << v.qid << "|" << v.title << "|" << v.category << "|" << v.severity_level;
        for (const auto& c : v.cves) out << "|" << c;
        out << "\n";
      });
      feed_in_chunks(p, doc, chunk);
      common(p);
      break;
    }
    case XmlKind::detection: {
      DetectionParser p([&](DetectionHost&& h) {
        out << "HOST " << h.host_id << "|" << h.qg_hostid;
        for (auto q : h.qids) out << "|" << q;
        out << "\n";
      });
      feed_in_chunks(p, doc, chunk);
      common(p);
      break;
    }
    case XmlKind::host_list: {
      HostIdSetParser p(
          [&](std::int64_t a, std::int64_t b) { out << "RANGE " << a << "-" << b << "\n"; });
      feed_in_chunks(p, doc, chunk);
      common(p);
      break;
    }
  }
  return out.str();
}

KbResult parse_kb(std::string_view doc, std::size_t chunk) {
  KbResult r;
  KbParser p([&](KbVuln&& v) { r.vulns.push_back(std::move(v)); });
  feed_in_chunks(p, doc, chunk);
  r.simple_return = p.simple_return();
  r.last_qid = p.last_qid();
  return r;
}

DetectionResult parse_detections(std::string_view doc, std::size_t chunk) {
  DetectionResult r;
  DetectionParser p([&](DetectionHost&& h) { r.hosts.push_back(std::move(h)); });
  feed_in_chunks(p, doc, chunk);
  r.simple_return = p.simple_return();
  r.next_page_url = p.next_page_url();
  if (p.warning()) {
    r.warning_code = p.warning()->code;
    r.warning_text = p.warning()->text;
  }
  return r;
}

std::vector<Asset> parse_assets(std::string_view doc, std::size_t chunk) {
  std::vector<Asset> assets;
  CsamPageParser p([&](Asset&& a) { assets.push_back(std::move(a)); });
  feed_in_chunks(p, doc, chunk);
  return assets;
}

}  // namespace qi::qualys::testing
