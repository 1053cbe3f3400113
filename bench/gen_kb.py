#!/usr/bin/env python3
"""Writes a synthetic KnowledgeBase response (knowledge_base/vuln action=list details=Basic).

The output is shaped like the real captures (docs/qualys-api.md §5.2; tests/fixtures/qualys/kb_*.xml):
XML declaration, DOCTYPE naming an https DTD (a parser must not fetch it), the evaluation
comment before the root, keep-alive comments inside RESPONSE (after DATETIME, as in
kb_single_cve_keepalive.xml, and again between VULNs every few thousand records,
where a long-running server emits them), <VULN_LIST> at column 0 as in
kb_multi_cve.xml, CDATA text with HTML inside (<P>, <BR>, &quot;, <A HREF>),
0..several CVEs per QID, and the trailing comments after the root (with the trailing space
the real server leaves after "//-->").

Streaming: records are written as they are generated, so memory stays constant whatever N.
Deterministic: the same --count and --seed give byte-identical files.

On stdout it prints what a correct converter must produce, one key=value per line:
  vulns=<rows expected in vulnkb.csv>  cves=<rows expected in cve.csv>  bytes=<file size>
  vulnkb_sha256=<digest>  cve_sha256=<digest>
The digests are of the two CSV files (header included) written in the project's dialect
(docs/design.md "Outputs": every field quoted, quotes doubled, '\\n' line ends). Generated
TITLE/CATEGORY values hold no line breaks, so no line-break folding is involved.

Python 3 standard library only.
"""

import argparse
import hashlib
import random
import sys

DOCTYPE_URL = ("https://qualysapi.qg3.apps.qualys.com/api/2.0/fo/knowledge_base/vuln/"
               "knowledge_base_vuln_list_output.dtd")
EVAL_COMMENT = "<!-- This report was generated with an evaluation version of Qualys //--> \n"
CONFIDENTIAL_COMMENT = (
    "<!-- CONFIDENTIAL AND PROPRIETARY INFORMATION. Qualys provides the QualysGuard Service "
    "\"As Is,\" without any warranty of any kind. Qualys makes no warranty that the information "
    "contained in this report is complete or error-free. Copyright 2022, Qualys, Inc. //--> \n")
KEEP_ALIVE = "<!-- keep-alive for KNOWLEDGE_BASE_VULN_LIST_OUTPUT  -->\n"

VULN_TYPES = ["Vulnerability", "Potential Vulnerability", "Information Gathered",
              "Vulnerability or Potential Vulnerability"]
CATEGORIES = ["Information gathering", "Web Application", "Cisco", "Windows", "Local",
              "Ubuntu", "Debian", "RedHat", "SUSE", "Oracle Linux", "CentOS", "Amazon Linux",
              "Security Policy", "Web server", "Database", "Firewall", "Mail services",
              "Office Application", "Internet Explorer", "General remote services", "SMB / NETBIOS",
              "TCP/IP", "Hardware", "VMware", "Fedora", "OEL", "Backdoors and trojan horses"]
VENDORS = ["microsoft", "apache", "cisco", "oracle", "redhat", "canonical", "debian", "suse",
           "php", "mozilla", "google", "adobe", "vmware", "ibm", "juniper", "fortinet",
           "apache_software_foundation", "multi-vendor", "none", "openssl", "nginx", "postgresql"]
PRODUCTS = ["http_server", "windows", "ios_xe", "jdk", "enterprise_linux", "ubuntu_linux",
            "debian_linux", "php", "firefox", "chrome", "acrobat_reader", "esxi", "websphere",
            "junos", "fortios", "tomcat", "None", "dns_server", "openssl", "nginx", "postgresql",
            "office", "exchange_server", "struts", "log4j", "kernel", "glibc", "sudo"]
TITLE_SUBJECTS = ["Apache HTTP Server", "Microsoft Windows", "Cisco IOS XE Software", "Oracle Java SE",
                  "Red Hat Enterprise Linux", "Ubuntu Security Notification", "Debian Security Update",
                  "PHP 7", "Mozilla Firefox", "Google Chrome", "Adobe Acrobat Reader", "VMware ESXi",
                  "IBM WebSphere Application Server", "Juniper Junos OS", "Fortinet FortiOS",
                  "Apache Tomcat", "OpenSSL", "nginx", "PostgreSQL", "Microsoft Office",
                  "Microsoft Exchange Server", "Apache Struts", "Apache Log4j", "Linux Kernel",
                  "GNU C Library (glibc)", "Sudo", "SUSE Enterprise Linux", "Oracle Database"]
TITLE_ISSUES = ["Multiple Vulnerabilities", "Remote Code Execution Vulnerability",
                "Denial of Service Vulnerability", "Privilege Escalation Vulnerability",
                "Information Disclosure Vulnerability", "Security Update", "Command Injection Vulnerability",
                "Cross-Site Scripting (XSS) Vulnerability", "Security Feature Bypass",
                "Buffer Overflow Vulnerability", "Use-After-Free Vulnerability", "Spoofing Vulnerability",
                "HTTP/2 Method injection", "Out-of-bounds Read", "Heap Overflow", "Memory Corruption"]
# Titles that need CSV quoting or are not ASCII: real KB titles contain quotes, commas,
# ampersands (literal inside CDATA) and, rarely, non-ASCII text.
TITLE_DECORATIONS = ["", "", "", "", "", "", " (\"{ref}\")", ", {ref} & related issues",
                     " for Windows, Linux and macOS", " – Mise à jour de sécurité", " 'critical' fix"]
DIAG_SENTENCES = [
    "The Apache HTTP Server, colloquially called Apache, is a free and open-source cross-platform web server software.",
    "PHP is a programming language originally designed for use in web-based applications with HTML content.",
    "A vulnerability in the CLI of the affected software could allow an authenticated, local attacker to inject a command to the underlying operating system.",
    "The vulnerability exists due to improper validation of user-supplied input in the affected component.",
    "A remote attacker could exploit this vulnerability by sending a specially crafted request to the target system.",
    "According to the results of this &quot;fingerprinting&quot; technique, the version is among those listed below.",
    "An out-of-bounds read was found in the way the library processes certain malformed input files.",
    "The product does not properly restrict the size or amount of resources that are requested or influenced by an actor.",
    "Successful exploitation requires that the attacker is able to reach the management interface over the network.",
    "This QID checks the HTTP Server header to see if the server is running a vulnerable version.",
    "The check matches the installed package version retrieved via Unix Auth using &quot;rpm -qa&quot; command.",
    "XSS vulnerabilities occur when the Web application echoes user-supplied data in an HTML response sent to the Web browser.",
    "Several different techniques can be used to identify the operating system (OS) running on a host.",
    "The fully qualified domain name of this host, if it was obtained from a DNS server, is displayed in the RESULT section.",
]
DIAG_HEADINGS = ["Affected Versions:<BR>", "QID Detection Logic (Authenticated):<BR>",
                 "QID Detection Logic (Unauthenticated):<BR>", "<B>Note</B>: "]
CONSEQUENCE_SENTENCES = [
    "Successful exploitation of this vulnerability allows a remote attacker to access sensitive information.",
    "A successful exploit could allow the attacker to execute commands with root privileges each time the affected device is restarted.<P>",
    "Successful exploitation could allow an attacker to cause a denial of service condition on the affected system.",
    "An exploit can lead to theft of the user's credentials and personal or financial information.",
    "Attackers can use this information for more focused attacks in the future.",
    "Not  applicable.",
]
SOLUTION_SENTENCES = [
    "Customers are advised to upgrade to the latest version of <A HREF=\"https://{vendor}.example/download\" TARGET=\"_blank\">{product}</A>.",
    "For more information related to this vulnerability please refer to <A HREF=\"https://{vendor}.example/security/{ref}\" TARGET=\"_BLANK\">the vendor's security advisory</A>",
    "<P>Patch:<BR>\nFollowing are links for downloading patches to fix the vulnerabilities:\n<P> <A HREF=\"https://{vendor}.example/patches/{ref}\" TARGET=\"_blank\">{ref}</A>",
    "Filter all data collected from the client including user-supplied content and browser content such as Referrer and User-Agent headers.",
    "Workaround: restrict access to the affected service to trusted hosts only.",
]
THREATS = [(1, "Zero_Day"), (2, "Exploit_Public"), (3, "Active_Attacks"), (4, "High_Lateral_Movement"),
           (5, "Easy_Exploit"), (6, "High_Data_Loss"), (7, "Denial_of_Service"), (8, "No_Patch"),
           (9, "Malware"), (11, "Wormable"), (13, "Privilege_Escalation"), (14, "Unauthenticated_Exploitation"),
           (15, "Remote_Code_Execution"), (17, "Ransomware"), (18, "Solorigate_Sunburst")]
AUTH_TYPES = ["Unix", "Windows", "SNMP", "WEBLOGIC_VULN", "Oracle", "VMware", "HTTP"]


def csv_row(fields):
    """One CSV line in the project's dialect (every field quoted, quotes doubled, LF)."""
    return ",".join('"' + f.replace('"', '""') + '"' for f in fields) + "\n"


def stamp(rng, year_from, year_to):
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (
        rng.randint(year_from, year_to), rng.randint(1, 12), rng.randint(1, 28),
        rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))


def paragraph(rng, pool, low, high, **fmt):
    """low..high sentences, joined like the real CDATA: spaces, <P>, newlines."""
    parts = []
    for _ in range(rng.randint(low, high)):
        sentence = rng.choice(pool).format(**fmt) if fmt else rng.choice(pool)
        sep = rng.random()
        if sep < 0.55:
            parts.append(sentence + " ")
        elif sep < 0.8:
            parts.append(sentence + "<P>\n")
        elif sep < 0.9:
            parts.append(sentence + "\n<P>\n" + rng.choice(DIAG_HEADINGS))
        else:
            parts.append(sentence + "\n")
    return "".join(parts).rstrip()


def vuln_xml(rng, qid, cve_counter):
    """Returns (xml, title, category, severity, cve_ids) of one VULN."""
    severity = str(rng.choices([1, 2, 3, 4, 5], weights=[10, 20, 35, 25, 10])[0])
    vendor = rng.choice(VENDORS)
    product = rng.choice(PRODUCTS)
    ref = "%s-sa-%05d" % (vendor[:6], qid % 100000)
    n_cves = rng.choices([0, 1, 2, 3, 5, 8], weights=[35, 30, 15, 10, 7, 3])[0]
    year = rng.randint(1999, 2024)
    cve_ids = []
    for _ in range(n_cves):
        cve_counter[0] += 1
        cve_ids.append("CVE-%d-%d" % (year, 1000 + cve_counter[0]))
    title = "%s %s" % (rng.choice(TITLE_SUBJECTS), rng.choice(TITLE_ISSUES))
    title += rng.choice(TITLE_DECORATIONS).format(ref=ref)
    if cve_ids and rng.random() < 0.3:
        title += " (%s)" % cve_ids[0]
    category = rng.choice(CATEGORIES)

    out = ["  <VULN>\n",
           "    <QID>%d</QID>\n" % qid,
           "    <VULN_TYPE>%s</VULN_TYPE>\n" % rng.choice(VULN_TYPES),
           "    <SEVERITY_LEVEL>%s</SEVERITY_LEVEL>\n" % severity,
           "    <TITLE><![CDATA[%s]]></TITLE>\n" % title,
           "    <CATEGORY>%s</CATEGORY>\n" % category.replace("&", "&amp;"),
           "    <LAST_SERVICE_MODIFICATION_DATETIME>%s</LAST_SERVICE_MODIFICATION_DATETIME>\n"
           % stamp(rng, 2018, 2024),
           "    <PUBLISHED_DATETIME>%s</PUBLISHED_DATETIME>\n" % stamp(rng, 1999, 2018),
           "    <PATCHABLE>%d</PATCHABLE>\n" % (1 if rng.random() < 0.6 else 0)]
    if rng.random() < 0.8:
        out.append("    <SOFTWARE_LIST>\n")
        for _ in range(rng.randint(1, 3)):
            out.append("      <SOFTWARE>\n"
                       "        <PRODUCT><![CDATA[%s]]></PRODUCT>\n"
                       "        <VENDOR><![CDATA[%s]]></VENDOR>\n"
                       "      </SOFTWARE>\n" % (rng.choice(PRODUCTS), vendor))
        out.append("    </SOFTWARE_LIST>\n")
    if rng.random() < 0.6:
        out.append("    <VENDOR_REFERENCE_LIST>\n")
        for i in range(rng.randint(1, 2)):
            out.append("      <VENDOR_REFERENCE>\n"
                       "        <ID><![CDATA[%s-%d]]></ID>\n"
                       "        <URL><![CDATA[https://%s.example/security/advisories/%s-%d]]></URL>\n"
                       "      </VENDOR_REFERENCE>\n" % (ref, i, vendor, ref, i))
        out.append("    </VENDOR_REFERENCE_LIST>\n")
    if cve_ids:
        out.append("    <CVE_LIST>\n")
        for cve in cve_ids:
            out.append("      <CVE>\n"
                       "        <ID><![CDATA[%s]]></ID>\n"
                       "        <URL><![CDATA[http://cve.mitre.org/cgi-bin/cvename.cgi?name=%s]]></URL>\n"
                       "      </CVE>\n" % (cve, cve))
        out.append("    </CVE_LIST>\n")
    out.append("    <DIAGNOSIS><![CDATA[%s]]></DIAGNOSIS>\n" % paragraph(rng, DIAG_SENTENCES, 1, 3))
    out.append("    <CONSEQUENCE><![CDATA[%s]]></CONSEQUENCE>\n"
               % paragraph(rng, CONSEQUENCE_SENTENCES, 1, 2))
    out.append("    <SOLUTION><![CDATA[%s]]></SOLUTION>\n"
               % paragraph(rng, SOLUTION_SENTENCES, 1, 2, vendor=vendor, product=product, ref=ref))
    out.append("    <PCI_FLAG>%d</PCI_FLAG>\n" % (1 if rng.random() < 0.4 else 0))
    if rng.random() < 0.5:
        out.append("    <THREAT_INTELLIGENCE>\n")
        for tid, name in sorted(rng.sample(THREATS, rng.randint(1, 3))):
            out.append("      <THREAT_INTEL id=\"%d\"><![CDATA[%s]]></THREAT_INTEL>\n" % (tid, name))
        out.append("    </THREAT_INTELLIGENCE>\n")
    out.append("    <DISCOVERY>\n      <REMOTE>%d</REMOTE>\n" % (1 if rng.random() < 0.7 else 0))
    if rng.random() < 0.5:
        out.append("      <AUTH_TYPE_LIST>\n")
        for auth in rng.sample(AUTH_TYPES, rng.randint(1, 3)):
            out.append("        <AUTH_TYPE>%s</AUTH_TYPE>\n" % auth)
        out.append("      </AUTH_TYPE_LIST>\n")
    if rng.random() < 0.4:
        out.append("      <ADDITIONAL_INFO>Patch Available</ADDITIONAL_INFO>\n")
    out.append("    </DISCOVERY>\n  </VULN>\n")
    return "".join(out), title, category, severity, cve_ids


def generate(out, count, seed):
    rng = random.Random(seed)
    vulnkb_hash = hashlib.sha256(csv_row(["QID_KB", "Vulnerability", "Category", "SeverityLevel"]).encode())
    cve_hash = hashlib.sha256(csv_row(["QID_CVE", "CVE_ID"]).encode())
    cve_counter = [0]
    size = 0

    def emit(text):
        nonlocal size
        data = text.encode("utf-8")
        size += len(data)
        out.write(data)

    emit('<?xml version="1.0" encoding="UTF-8" ?>\n'
         '<!DOCTYPE KNOWLEDGE_BASE_VULN_LIST_OUTPUT SYSTEM "%s">\n' % DOCTYPE_URL)
    emit(EVAL_COMMENT)
    emit("<KNOWLEDGE_BASE_VULN_LIST_OUTPUT>\n  <RESPONSE>\n"
         "    <DATETIME>2022-10-28T16:56:27Z</DATETIME>\n")
    emit(KEEP_ALIVE)
    if count > 0:
        emit("<VULN_LIST>\n")
    qid = 0
    next_keep_alive = rng.randint(2000, 6000)
    batch = []
    for i in range(count):
        qid += rng.choices([1, 2, 3, 7, 40], weights=[50, 25, 15, 8, 2])[0]
        xml, title, category, severity, cves = vuln_xml(rng, qid, cve_counter)
        batch.append(xml)
        vulnkb_hash.update(csv_row([str(qid), title, category, severity]).encode())
        for cve in cves:
            cve_hash.update(csv_row([str(qid), cve]).encode())
        if i + 1 == next_keep_alive:
            batch.append(KEEP_ALIVE)
            next_keep_alive += rng.randint(2000, 6000)
        if len(batch) >= 512:
            emit("".join(batch))
            batch.clear()
    emit("".join(batch))
    if count > 0:
        emit("</VULN_LIST>\n")
    emit("  </RESPONSE>\n</KNOWLEDGE_BASE_VULN_LIST_OUTPUT>\n")
    emit(EVAL_COMMENT)
    emit(CONFIDENTIAL_COMMENT)
    emit("\n" + KEEP_ALIVE)
    return {"vulns": count, "cves": cve_counter[0], "bytes": size,
            "vulnkb_sha256": vulnkb_hash.hexdigest(), "cve_sha256": cve_hash.hexdigest()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("output", help="file to write ('-' for stdout)")
    parser.add_argument("-n", "--count", type=int, default=160000, help="number of QIDs (160000)")
    parser.add_argument("-s", "--seed", type=int, default=1, help="random seed (1)")
    args = parser.parse_args()
    if args.output == "-":
        counts = generate(sys.stdout.buffer, args.count, args.seed)
        info = sys.stderr
    else:
        with open(args.output, "wb", buffering=1 << 20) as out:
            counts = generate(out, args.count, args.seed)
        info = sys.stdout
    for key, value in counts.items():
        print("%s=%s" % (key, value), file=info)


if __name__ == "__main__":
    main()
