// API v2 XML shaped like the real captures: optional <?xml?> declaration, DOCTYPE with an https
// DTD URL (pointing back at the simulator, which counts any fetch: a client must never load it),
// evaluation comments before and after the root, keep-alive comments anywhere, CDATA with HTML
// and literal entities, tags broken across lines by Qualys's pretty-printer.
#include <chrono>
#include <ctime>

#include "qualys_sim/render.hpp"
#include "qualys_sim/sim_util.hpp"

namespace qi::sim {

namespace {

constexpr std::string_view kEvalComment =
    "<!-- This report was generated with an evaluation version of Qualys //--> \n";
constexpr std::string_view kConfidential =
    "<!-- CONFIDENTIAL AND PROPRIETARY INFORMATION. Qualys provides the QualysGuard Service \"As "
    "Is,\" without any warranty of any kind. Qualys makes no warranty that the information "
    "contained in this report is complete or error-free. Copyright 2026, Qualys, Inc. //--> \n";

// A DIAGNOSIS-sized block of HTML in CDATA: the KB's bulk (docs/qualys-api.md §5.3, ~2 KB per
// VULN).
constexpr std::string_view kDiagnosis =
    "The Apache HTTP Server, colloquially called Apache, is a free and open-source cross-platform "
    "web server software.<P>\n\nOn affected versions a vulnerability exists due to improper "
    "validation of requests, which can lead to request splitting or cache poisoning.<P>\n\n"
    "Affected Versions:<BR>\nVersions from 2.4.17 to 2.4.48.<P>\n\nQID Detection Logic "
    "(Authenticated):<BR>The check matches the version retrieved via Unix Auth using &quot;show "
    "version&quot; command. <BR>";
constexpr std::string_view kSolution =
    "Customers are advised to upgrade to the latest version of <A HREF=\"https://httpd.apache.org/"
    "download.cgi\" TARGET=\"_blank\">Apache HTTP Server</A>.\n<P>Patch:<BR>\nFollowing are links "
    "for downloading patches to fix the vulnerabilities:\n<P> <A "
    "HREF=\"https://example.com/p?a=1&b=2\" "
    "TARGET=\"_blank\">Patch</A>";

std::string doctype(std::string_view root, std::string_view dtd_host, std::string_view dtd_path) {
  return "<!DOCTYPE " + std::string(root) + " SYSTEM \"https://" + std::string(dtd_host) +
         std::string(dtd_path) + "\">\n";
}

void tag(std::string& out, std::string_view indent, std::string_view name, std::string_view text) {
  out += indent;
  out += '<';
  out += name;
  out += '>';
  append_xml_escaped(out, text);
  out += "</";
  out += name;
  out += ">\n";
}

void cdata_tag(std::string& out, std::string_view indent, std::string_view name,
               std::string_view text) {
  out += indent;
  out += '<';
  out += name;
  out += '>';
  append_cdata(out, text);
  out += "</";
  out += name;
  out += ">\n";
}

}  // namespace

std::string utc_now_iso() {
  return iso_utc(std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count(),
                 false);
}

std::string simple_return(std::string_view code, std::string_view text,
                          const std::vector<std::pair<std::string, std::string>>& items,
                          std::string_view dtd_host, bool xml_declaration) {
  std::string out;
  if (xml_declaration) out += "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n";
  if (!dtd_host.empty()) out += doctype("SIMPLE_RETURN", dtd_host, "/api/2.0/simple_return.dtd");
  out += "<SIMPLE_RETURN>\n  <RESPONSE>\n";
  tag(out, "    ", "DATETIME", utc_now_iso());
  if (!code.empty()) tag(out, "    ", "CODE", code);
  tag(out, "    ", "TEXT", text);
  if (!items.empty()) {
    out += "    <ITEM_LIST>\n";
    for (const auto& [key, value] : items) {
      out += "      <ITEM>\n";
      tag(out, "        ", "KEY", key);
      tag(out, "        ", "VALUE", value);
      out += "      </ITEM>\n";
    }
    out += "    </ITEM_LIST>\n";
  }
  out += "  </RESPONSE>\n</SIMPLE_RETURN>\n";
  return out;
}

std::string simple_return_409(std::string_view code, std::string_view text, std::string_view key,
                              std::string_view value) {
  // Whitespace as in simple_return_1960.xml: DATETIME with a trailing space,
  // TEXT with a leading one, no declaration, no DOCTYPE.
  std::string out =
      "<SIMPLE_RETURN>\n  <RESPONSE>\n  <DATETIME>" + utc_now_iso() + " </DATETIME>\n";
  out += "  <CODE>" + std::string(code) + "</CODE>\n  <TEXT> ";
  append_xml_escaped(out, text);
  out += "</TEXT>\n  <ITEM_LIST>\n  <ITEM>\n  <KEY>" + std::string(key) + "</KEY>\n  <VALUE>" +
         std::string(value) +
         "</VALUE>\n  </ITEM>\n  </ITEM_LIST>\n  </RESPONSE>\n</SIMPLE_RETURN>\n";
  return out;
}

std::string generic_return_internal_error() {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<GENERIC_RETURN>\n  <API name=\"index.php\" "
         "username=\"sim\" at=\"" +
         utc_now_iso() +
         "\" />\n  <RETURN status=\"FAILED\" number=\"999\">"
         "Internal error. Please contact customer support.</RETURN>\n</GENERIC_RETURN>\n";
}

std::string keep_alive_comment(std::string_view root) {
  return "<!-- keep-alive for " + std::string(root) + "  -->\n";
}

// ---- KnowledgeBase: kb_multi_cve.xml, kb_single_cve_keepalive.xml ----

std::string kb_head(std::string_view dtd_host, bool xml_declaration) {
  std::string out;
  if (xml_declaration) out += "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n";
  out += doctype("KNOWLEDGE_BASE_VULN_LIST_OUTPUT", dtd_host,
                 "/api/2.0/fo/knowledge_base/vuln/knowledge_base_vuln_list_output.dtd");
  out += kEvalComment;
  out += "<KNOWLEDGE_BASE_VULN_LIST_OUTPUT>\n  <RESPONSE>\n    <DATETIME>" + utc_now_iso() +
         "</DATETIME>\n";
  // A keep-alive comment inside RESPONSE, before VULN_LIST (kb_single_cve_keepalive.xml).
  out += keep_alive_comment("KNOWLEDGE_BASE_VULN_LIST_OUTPUT");
  return out;
}

std::string kb_vuln_list_open() {
  return "<VULN_LIST>\n";
}  // column 0, as in the trimmed sample

void append_kb_vuln(std::string& out, const SimVuln& v, bool basic_or_all) {
  out += "  <VULN>\n";
  tag(out, "    ", "QID", std::to_string(v.qid));
  tag(out, "    ", "VULN_TYPE", v.vuln_type);
  tag(out, "    ", "SEVERITY_LEVEL", std::to_string(v.severity));
  cdata_tag(out, "    ", "TITLE", v.title);
  tag(out, "    ", "CATEGORY", v.category);
  tag(out, "    ", "LAST_SERVICE_MODIFICATION_DATETIME", v.last_modified);
  if (!basic_or_all) {
    out += "  </VULN>\n";
    return;
  }
  if (v.qid % 5 != 0) tag(out, "    ", "PUBLISHED_DATETIME", v.published);  // sometimes absent
  tag(out, "    ", "PATCHABLE", v.patchable ? "1" : "0");
  out += "    <SOFTWARE_LIST>\n      <SOFTWARE>\n";
  cdata_tag(out, "        ", "PRODUCT", "http_server");
  cdata_tag(out, "        ", "VENDOR", "apache");
  out += "      </SOFTWARE>\n    </SOFTWARE_LIST>\n";
  if (!v.vendor_refs.empty()) {
    out += "    <VENDOR_REFERENCE_LIST>\n";
    for (const auto& id : v.vendor_refs) {
      out += "      <VENDOR_REFERENCE>\n";
      cdata_tag(out, "        ", "ID", id);
      cdata_tag(out, "        ", "URL",
                "https://vendor.example/advisory?id=" + std::to_string(v.qid) + "&lang=en");
      out += "      </VENDOR_REFERENCE>\n";
    }
    out += "    </VENDOR_REFERENCE_LIST>\n";
  }
  if (!v.cves.empty()) {  // QIDs without CVEs have no CVE_LIST at all
    out += "    <CVE_LIST>\n";
    for (const auto& cve : v.cves) {
      out += "      <CVE>\n";
      cdata_tag(out, "        ", "ID", cve.id);
      cdata_tag(out, "        ", "URL", cve.url);
      out += "      </CVE>\n";
    }
    out += "    </CVE_LIST>\n";
  }
  cdata_tag(out, "    ", "DIAGNOSIS", kDiagnosis);
  cdata_tag(out, "    ", "CONSEQUENCE",
            " A successful exploit could allow the attacker to execute commands.<P>");
  cdata_tag(out, "    ", "SOLUTION", kSolution);
  out += "    <CVSS>\n      <BASE source=\"service\">" + v.cvss_v2_base + "</BASE>\n    </CVSS>\n";
  if (!v.cvss_v3_base.empty()) {
    out += "    <CVSS_V3>\n      <BASE>" + v.cvss_v3_base + "</BASE>\n      <VECTOR_STRING>" +
           v.cvss_v3_vector + "</VECTOR_STRING>\n    </CVSS_V3>\n";
  }
  tag(out, "    ", "PCI_FLAG", v.severity >= 3 ? "1" : "0");
  out += "    <THREAT_INTELLIGENCE>\n";
  for (std::size_t k = 0; k < v.threat_intel.size(); ++k) {
    out += "      <THREAT_INTEL id=\"" + std::to_string(k + 1) + "\">";
    append_cdata(out, v.threat_intel[k]);
    out += "</THREAT_INTEL>\n";
  }
  out += "    </THREAT_INTELLIGENCE>\n";
  out +=
      "    <DISCOVERY>\n      <REMOTE>1</REMOTE>\n      <AUTH_TYPE_LIST>\n        "
      "<AUTH_TYPE>Unix</AUTH_TYPE>\n"
      "      </AUTH_TYPE_LIST>\n      <ADDITIONAL_INFO>Patch Available</ADDITIONAL_INFO>\n    "
      "</DISCOVERY>\n";
  out += "  </VULN>\n";
}

std::string kb_vuln_list_close() {
  return "</VULN_LIST>\n";
}

std::string kb_tail() {
  std::string out = "  </RESPONSE>\n</KNOWLEDGE_BASE_VULN_LIST_OUTPUT>\n";
  out += kEvalComment;
  out += kConfidential;
  out += keep_alive_comment("KNOWLEDGE_BASE_VULN_LIST_OUTPUT");  // after the root (empty sample)
  return out;
}

// ---- Host detection: hld_two_hosts.xml, hld_truncated_warning.xml
// ----

std::string hld_head(std::string_view dtd_host, std::string_view version) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n";
  out += doctype("HOST_LIST_VM_DETECTION_OUTPUT", dtd_host,
                 "/api/" + std::string(version) +
                     "/fo/asset/host/vm/detection/host_list_vm_detection_output.dtd");
  out += kEvalComment;
  out += "<HOST_LIST_VM_DETECTION_OUTPUT>\n  <RESPONSE>\n    <DATETIME>" + utc_now_iso() +
         "</DATETIME>\n";
  return out;
}

std::string hld_host_list_open() {
  return "    <HOST_LIST>\n";
}

void append_hld_host(std::string& out, const SimHost& host,
                     const std::vector<SimDetection>& detections, HldFields fields) {
  out += "      <HOST>\n";
  tag(out, "        ", "ID", std::to_string(host.host_id));
  tag(out, "        ", "IP", host.ip);
  tag(out, "        ", "TRACKING_METHOD", host.tracking_method);
  cdata_tag(out, "        ", "OS", host.os);
  cdata_tag(out, "        ", "DNS", host.dns);
  // Real pages leave NETBIOS out for hosts without one and send DNS as empty CDATA.
  if (!host.netbios.empty()) cdata_tag(out, "        ", "NETBIOS", host.netbios);
  if (host.qg_hostid) tag(out, "        ", "QG_HOSTID", *host.qg_hostid);
  tag(out, "        ", "LAST_SCAN_DATETIME", host.last_scan);
  tag(out, "        ", "LAST_VM_SCANNED_DATE", host.last_scan);
  tag(out, "        ", "LAST_VM_SCANNED_DURATION", "352");
  out += "        <DETECTION_LIST>\n";
  for (const auto& d : detections) {
    const std::string_view in = "            ";
    out += "          <DETECTION>\n";
    tag(out, in, "QID", std::to_string(d.qid));
    tag(out, in, "TYPE", d.type);
    tag(out, in, "SEVERITY", std::to_string(d.severity));
    // Information-gathered detections often have no port: no PORT, PROTOCOL or SSL.
    if (d.port != 0) {
      tag(out, in, "PORT", std::to_string(d.port));
      tag(out, in, "PROTOCOL", d.protocol);
      tag(out, in, "SSL", d.port == 443 ? "1" : "0");
    }
    if (fields.show_qds && d.qds > 0) {
      const char* level = d.qds >= 70 ? "HIGH" : (d.qds >= 40 ? "MEDIUM" : "LOW");
      out +=
          std::string(in) + "<QDS severity=\"" + level + "\">" + std::to_string(d.qds) + "</QDS>\n";
    }
    if (fields.show_results) {
      // The pretty-printer's line break inside the start tag (multi_detection_fixture).
      out += std::string(in) + "<RESULTS\n      >";
      append_cdata(out, d.results);
      out += "</RESULTS>\n";
    }
    tag(out, in, "STATUS", d.status);
    out += std::string(in) + "<FIRST_FOUND_DATETIME\n      >" + d.first_found +
           "</FIRST_FOUND_DATETIME>\n";
    tag(out, in, "LAST_FOUND_DATETIME", d.last_found);
    tag(out, in, "TIMES_FOUND", std::to_string(d.times_found));
    tag(out, in, "LAST_TEST_DATETIME", d.last_found);
    tag(out, in, "LAST_UPDATE_DATETIME", d.last_found);
    if (!d.last_fixed.empty()) tag(out, in, "LAST_FIXED_DATETIME", d.last_fixed);
    tag(out, in, "IS_IGNORED", d.ignored ? "1" : "0");
    tag(out, in, "IS_DISABLED", d.disabled ? "1" : "0");
    tag(out, in, "LAST_PROCESSED_DATETIME", d.last_found);
    out += "          </DETECTION>\n";
  }
  out += "        </DETECTION_LIST>\n      </HOST>\n";
}

std::string hld_host_list_close() {
  return "    </HOST_LIST>\n";
}

std::string truncation_warning(std::int64_t limit, std::string_view url) {
  std::string out = "    <WARNING>\n      <CODE>1980</CODE>\n      <TEXT>" + std::to_string(limit) +
                    " record limit exceeded. Use URL to get next batch of results.</TEXT>\n";
  out += "      <URL>\n            ";
  append_cdata(out, url);
  out += "\n        </URL>\n    </WARNING>\n";
  return out;
}

std::string hld_tail() {
  std::string out = "  </RESPONSE>\n</HOST_LIST_VM_DETECTION_OUTPUT>\n";
  out += kEvalComment;
  out += kConfidential;
  return out;
}

// ---- Host list: host_list_id_set.xml, host_list_truncated_warning.xml ----

std::string host_list_head(std::string_view dtd_host, std::string_view version) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n";
  out += doctype("HOST_LIST_OUTPUT", dtd_host,
                 "/api/" + std::string(version) + "/fo/asset/host/host_list_output.dtd");
  out += kEvalComment;
  out += "<HOST_LIST_OUTPUT>\n  <RESPONSE>\n    <DATETIME>" + utc_now_iso() + "</DATETIME>\n";
  return out;
}

void append_host_list_host(std::string& out, const SimHost& host) {
  out += "       <HOST>\n";
  tag(out, "       ", "ID", std::to_string(host.host_id));
  tag(out, "       ", "IP", host.ip);
  tag(out, "       ", "TRACKING_METHOD", host.tracking_method);
  cdata_tag(out, "       ", "DNS", host.dns);
  cdata_tag(out, "       ", "OS", host.os);
  if (host.qg_hostid) tag(out, "       ", "QG_HOSTID", *host.qg_hostid);
  out += "     </HOST>\n";
}

std::string host_list_tail() {
  std::string out = "  </RESPONSE>\n</HOST_LIST_OUTPUT>\n";
  out += kEvalComment;
  out += kConfidential;
  return out;
}

std::string IdSetWriter::add(std::int64_t id) {
  if (run_ && run_->second + 1 == id) {
    run_->second = id;
    return {};
  }
  std::string out = flush();
  run_ = std::pair{id, id};
  return out;
}

std::string IdSetWriter::flush() {
  if (!run_) return {};
  std::string out;
  if (run_->first == run_->second) {
    out = "      <ID>" + std::to_string(run_->first) + "</ID>\n";
  } else {
    out = "      <ID_RANGE>" + std::to_string(run_->first) + "-" + std::to_string(run_->second) +
          "</ID_RANGE>\n";
  }
  run_.reset();
  return out;
}

std::string IdSetWriter::finish() {
  return flush();
}

}  // namespace qi::sim
