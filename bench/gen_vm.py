#!/usr/bin/env python3
"""Writes a synthetic host detection response (HOST_LIST_VM_DETECTION_OUTPUT) of N hosts.

Shaped like tests/fixtures/qualys/hld_two_hosts.xml: XML declaration, DOCTYPE
split over two lines naming an https DTD (never fetched), the evaluation comment, HOSTs with ID,
IP, TRACKING_METHOD, OS/DNS/NETBIOS in CDATA, DETECTION_LIST/DETECTION with QID, TYPE, SEVERITY,
PORT, PROTOCOL, SSL, multi-line RESULTS CDATA holding a literal `&apos;` (Qualys HTML-escapes
text before wrapping it in CDATA), the *_DATETIME fields, and the trailing comments. Like the
fixture, some end tags' '>' sits on the next line (`<RESULTS\\n            >`): a pretty-printer
artefact that is still well-formed XML (--plain turns it off). Beyond the fixture, and per
docs/qualys-api.md §6.2: agent-tracked hosts carry QG_HOSTID (a GUID), IP-tracked hosts do
not; a QID may be detected twice on one host (on two ports), which vm.csv lists once; keep-alive
comments appear between HOSTs.

Streaming (constant memory) and deterministic from --seed. On stdout: hosts=, detections=,
rows= (distinct (host, QID) pairs: the rows vm.csv must have), bytes=, vm_sha256= (digest of the
expected vm.csv in the project's dialect, header included). Python 3 standard library only.
"""

import argparse
import hashlib
import random
import sys

DOCTYPE = ('<!DOCTYPE HOST_LIST_VM_DETECTION_OUTPUT SYSTEM\n'
           '  "https://qualysapi.qg3.apps.qualys.com/api/2.0/fo/asset/host/vm/detection/'
           'host_list_vm_detection_output.dtd">\n')
EVAL_COMMENT = "<!-- This report was generated with an evaluation version of Qualys //-->\n"
CONFIDENTIAL_COMMENT = (
    "<!-- CONFIDENTIAL AND PROPRIETARY INFORMATION. Qualys provides the QualysGuard Service "
    "\"As Is,\" without any warranty of any kind. Qualys makes no warranty that the information "
    "contained in this report is complete or error-free. Copyright 2020, Qualys, Inc. //-->\n")
KEEP_ALIVE = "<!-- keep-alive for HOST_LIST_VM_DETECTION_OUTPUT  -->\n"

OSES = ["Windows 2008 R2 Enterprise Service Pack1", "Windows Server 2019 Datacenter 64 bit Edition",
        "Red Hat Enterprise Linux 8.6", "Ubuntu 22.04.1 LTS", "Debian GNU/Linux 12",
        "Cisco IOS XE 17.3", "VMware ESXi 7.0.3", "CentOS Linux 7.9.2009"]
RESULTS = [
    "Certificate #0 CN={name}({name}) doesn&apos;tresolve",
    "Certificate #0 CN={name}\nunable to get local\nissuer certificate",
    "CIPHER KEY-EXCHANGE AUTHENTICATION\nMAC ENCRYPTION(KEY-STRENGTH)\nGRADE TLSv1 WITH RC4 CIPHERs IS SUPPORTED\n"
    "RC4-SHA RSA RSA SHA1 RC4(128) MEDIUM\nRC4-MD5 RSA RSA MD5 RC4(128) MEDIUM",
    "Package\tInstalled Version\tRequired Version\nopenssl\t1.1.1k-1\t1.1.1k-12\nglibc\t2.28-151\t2.28-189",
    "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion CurrentBuild = 17763",
    "Vulnerable version of Apache HTTP Server detected on port {port} - 2.4.41.",
]
PORTS = [(22, "tcp"), (80, "tcp"), (123, "udp"), (161, "udp"), (443, "tcp"), (445, "tcp"),
         (3389, "tcp"), (8443, "tcp")]


def csv_row(fields):
    return ",".join('"' + f.replace('"', '""') + '"' for f in fields) + "\n"


CSV_HEADER = [
    "Host ID", "IP Address", "Tracking Method", "Operating System", "DNS Name", "Netbios Name",
    "QG HostID", "Last Scan Datetime", "OS CPE", "Last VM Scanned Date", "Last VM Scanned Duration",
    "Last VM Auth Scanned Date", "Last VM Auth Scanned Duration", "Last PC Scanned Date", "QID",
    "Type", "Port", "Protocol", "FQDN", "SSL", "Instance", "Status", "Severity",
    "First Found Datetime", "Last Found Datetime", "Last Test Datetime", "Last Update Datetime",
    "Last Fixed Datetime", "First Re-opened Datetime", "Last Re-opened Datetime",
    "Times Re-opened", "Results", "Ignored", "Disabled", "Times Found", "Service",
    "Affect Running Kernel", "Last Processed Datetime"]


def qualys_csv_row(fields):
    # As in hld_csv_no_metadata_DERIVED.csv: values quoted, empty values not.
    return ",".join('"' + f.replace('"', '""') + '"' if f else "" for f in fields) + "\n"


def stamp(rng, year):
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (
        year, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59),
        rng.randint(0, 59))


def generate(out, hosts, detections, seed, broken_tags, csv_out=None):
    rng = random.Random(seed)
    csv_rows = []
    if csv_out is not None:
        csv_out.write(qualys_csv_row(CSV_HEADER).encode("utf-8"))
    nl = "\n            " if broken_tags else ""
    vm_hash = hashlib.sha256(csv_row(["Host ID", "QG HostID", "QID"]).encode())
    counts = {"hosts": hosts, "detections": 0, "rows": 0}
    size = 0

    def emit(text):
        nonlocal size
        data = text.encode("utf-8")
        size += len(data)
        out.write(data)

    emit('<?xml version="1.0" encoding="UTF-8" ?>\n' + DOCTYPE + EVAL_COMMENT)
    emit("<HOST_LIST_VM_DETECTION_OUTPUT>\n   <RESPONSE>\n      <DATETIME>2020-09-27T01:29:21Z</DATETIME>\n")
    if hosts:
        emit("      <HOST_LIST>\n")
    host_id = 6506000
    batch = []
    for h in range(hosts):
        host_id += rng.choice([1, 1, 2, 5, 17])
        ip = "10.%d.%d.%d" % ((h >> 16) & 255, (h >> 8) & 255, h & 255)
        name = "host-%d" % host_id
        agent = rng.random() < 0.6
        tracking = "Cloud Agent" if agent else "IP"
        qg_hostid = ""
        os_name = rng.choice(OSES)
        parts = ["         <HOST>\n",
                 "            <ID>%d</ID>\n" % host_id,
                 "            <IP>%s</IP>\n" % ip,
                 "            <TRACKING_METHOD>%s</TRACKING_METHOD>\n" % tracking,
                 "            <OS><![CDATA[%s]]></OS>\n" % os_name,
                 "            <DNS><![CDATA[%s]]></DNS>\n" % name,
                 "            <NETBIOS><![CDATA[%s]]></NETBIOS>\n" % name.upper()]
        if agent:
            qg_hostid = "%08x-%04x-%04x-%04x-%012x" % (
                rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(16), rng.getrandbits(16),
                rng.getrandbits(48))
            parts.append("            <QG_HOSTID><![CDATA[%s]]></QG_HOSTID>\n" % qg_hostid)
        last_scan, last_vm_scan = stamp(rng, 2024), stamp(rng, 2024)
        scan_duration = rng.randint(30, 900)
        parts += ["            <LAST_SCAN_DATETIME>%s</LAST_SCAN_DATETIME>\n" % last_scan,
                  "            <LAST_VM_SCANNED_DATE>%s</LAST_VM_SCANNED_DATE>\n" % last_vm_scan,
                  "            <LAST_VM_SCANNED_DURATION>%d</LAST_VM_SCANNED_DURATION>\n" % scan_duration]
        n = max(1, int(rng.gauss(detections, detections / 4))) if detections else 0
        if n:
            parts.append("            <DETECTION_LIST>\n")
        qids = sorted(rng.sample(range(6, 400000), n))
        seen = set()
        for qid in qids:
            # One QID in 30 is detected on a second port as well: one vm.csv row for both.
            for _ in range(2 if rng.random() < 1 / 30 else 1):
                port, proto = rng.choice(PORTS)
                found = stamp(rng, 2023)
                last = stamp(rng, 2024)
                # Drawn in the order the XML's fields use them (the output must not change).
                kind = rng.choice(["Confirmed", "Potential", "Info"])
                severity = rng.randint(1, 5)
                results = rng.choice(RESULTS).format(name=name, port=port)
                status = rng.choice(["New", "Active", "Active", "Re-Opened", "Fixed"])
                times_found = rng.randint(1, 200)
                ssl = 1 if port in (443, 3389, 8443) else 0
                parts.append(
                    "               <DETECTION>\n"
                    "                  <QID>%d</QID>\n"
                    "                  <TYPE>%s</TYPE>\n"
                    "                  <SEVERITY>%d</SEVERITY>\n"
                    "                  <PORT>%d</PORT>\n"
                    "                  <PROTOCOL>%s</PROTOCOL>\n"
                    "                  <SSL>%d</SSL>\n"
                    "                  <RESULTS%s><![CDATA[%s]]></RESULTS>\n"
                    "                  <STATUS>%s</STATUS>\n"
                    "                  <FIRST_FOUND_DATETIME%s>%s</FIRST_FOUND_DATETIME>\n"
                    "                  <LAST_FOUND_DATETIME%s>%s</LAST_FOUND_DATETIME>\n"
                    "                  <TIMES_FOUND>%d</TIMES_FOUND>\n"
                    "                  <LAST_TEST_DATETIME>%s</LAST_TEST_DATETIME>\n"
                    "                  <LAST_UPDATE_DATETIME%s>%s</LAST_UPDATE_DATETIME>\n"
                    "                  <IS_IGNORED>0</IS_IGNORED>\n"
                    "                  <IS_DISABLED>0</IS_DISABLED>\n"
                    "                  <LAST_PROCESSED_DATETIME%s>%s</LAST_PROCESSED_DATETIME>\n"
                    "               </DETECTION>\n"
                    % (qid, kind, severity, port, proto, ssl, nl, results, status, nl, found, nl,
                       last, times_found, last, nl, last, nl, last))
                if csv_out is not None:
                    # CSV_NO_METADATA with show_results=0 (the legacy request): the 38 columns
                    # of docs/qualys-api.md §6.3, Results empty.
                    csv_rows.append(qualys_csv_row([
                        str(host_id), ip, tracking, os_name, name, name.upper(), qg_hostid,
                        last_scan, "", last_vm_scan, str(scan_duration), "", "", "", str(qid),
                        kind, str(port), proto, "", str(ssl), "", status, str(severity), found,
                        last, last, last, "", "", "", "", "", "0", "0", str(times_found), "", "",
                        last]))
                counts["detections"] += 1
            if qid not in seen:
                seen.add(qid)
                counts["rows"] += 1
                vm_hash.update(csv_row([str(host_id), qg_hostid, str(qid)]).encode())
        if n:
            parts.append("            </DETECTION_LIST>\n")
        parts.append("         </HOST>\n")
        batch.append("".join(parts))
        if rng.random() < 0.002:
            batch.append(KEEP_ALIVE)
        if len(batch) >= 64:
            emit("".join(batch))
            batch.clear()
            if csv_out is not None:
                csv_out.write("".join(csv_rows).encode("utf-8"))
                csv_rows.clear()
    emit("".join(batch))
    if csv_out is not None:
        csv_out.write("".join(csv_rows).encode("utf-8"))
    if hosts:
        emit("      </HOST_LIST>\n")
    emit("   </RESPONSE>\n</HOST_LIST_VM_DETECTION_OUTPUT>\n" + EVAL_COMMENT + CONFIDENTIAL_COMMENT)
    counts["bytes"] = size
    counts["vm_sha256"] = vm_hash.hexdigest()
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("output", help="file to write ('-' for stdout)")
    parser.add_argument("-n", "--hosts", type=int, default=10000, help="number of hosts (10000)")
    parser.add_argument("-m", "--detections", type=int, default=50,
                        help="mean detections per host (50; 0 gives hosts without DETECTION_LIST)")
    parser.add_argument("-s", "--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument("--plain", action="store_true",
                        help="no '>' on the next line (the fixture's pretty-printer artefact)")
    parser.add_argument("--csv", metavar="FILE",
                        help="also write the same detections as the legacy pull fetched them: "
                             "output_format=CSV_NO_METADATA, show_results=0 (bench/convert_vm.sh)")
    args = parser.parse_args()
    csv_out = open(args.csv, "wb", buffering=1 << 20) if args.csv else None
    if args.output == "-":
        counts = generate(sys.stdout.buffer, args.hosts, args.detections, args.seed, not args.plain,
                          csv_out)
        info = sys.stderr
    else:
        with open(args.output, "wb", buffering=1 << 20) as out:
            counts = generate(out, args.hosts, args.detections, args.seed, not args.plain, csv_out)
        info = sys.stdout
    if csv_out is not None:
        csv_out.close()
    for key, value in counts.items():
        print("%s=%s" % (key, value), file=info)


if __name__ == "__main__":
    main()
