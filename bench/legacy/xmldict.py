#!/usr/bin/env python3
"""Our re-implementation of the legacy xmldict.py (docs/design.md "What it replaces"): the cost
model of the script the daemon replaces, for benchmarks only. Not a copy of the original.

What it keeps from the legacy design, because that is what it costs:
- the whole response is read into memory and parsed by xmltodict into nested dicts;
- the document is round-tripped through JSON (json.dumps, then json.loads) as the legacy
  script did between its temp/vuln.json and the CSV step, so it is held in memory twice;
- vulnkb.csv is then written from the re-loaded JSON.
What it does not keep: its bugs. Every field is quoted with quotes doubled and line breaks
folded (the project's CSV dialect), a VULN_LIST with one VULN (xmltodict returns a dict
instead of a list) and missing fields are handled.

usage: xmldict.py KB_XML OUTPUT_DIR
"""

import csv
import json
import os
import re
import sys

import xmltodict

BREAKS = re.compile(r"\r\n|\r|\n")


def text(value):
    if value is None:
        return ""
    if isinstance(value, dict):  # an element with attributes: xmltodict puts text in '#text'
        value = value.get("#text", "")
    return BREAKS.sub(" ", str(value))


def main():
    source, out_dir = sys.argv[1], sys.argv[2]
    with open(source, "rb") as f:
        document = xmltodict.parse(f.read())
    data = json.loads(json.dumps(document))

    response = data["KNOWLEDGE_BASE_VULN_LIST_OUTPUT"]["RESPONSE"]
    vulns = (response.get("VULN_LIST") or {}).get("VULN") or []
    if isinstance(vulns, dict):
        vulns = [vulns]
    with open(os.path.join(out_dir, "vulnkb.csv"), "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(["QID_KB", "Vulnerability", "Category", "SeverityLevel"])
        for vuln in vulns:
            writer.writerow([text(vuln.get("QID")), text(vuln.get("TITLE")),
                             text(vuln.get("CATEGORY")), text(vuln.get("SEVERITY_LEVEL"))])


if __name__ == "__main__":
    main()
