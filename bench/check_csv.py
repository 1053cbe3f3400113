#!/usr/bin/env python3
"""Checks a conversion's output against what gen_kb.py or gen_vm.py said it must be.

usage: check_csv.py EXPECTED_FILE OUTPUT_DIR
EXPECTED_FILE is the generator's stdout: gen_kb.py's (vulns=, cves=, vulnkb_sha256=,
cve_sha256=) checks vulnkb.csv and cve.csv, gen_vm.py's (rows=, vm_sha256=) checks vm.csv. Rows are
counted with the csv module (a quoted value may hold a line break, so `wc -l` is not a row
count), then the files are compared byte for byte through their SHA-256. Prints one line and
exits 1 on any difference.
"""

import csv
import hashlib
import os
import sys


def rows_and_digest(path):
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    with open(path, encoding="utf-8", newline="") as f:
        rows = sum(1 for _ in csv.reader(f)) - 1  # minus the header
    return rows, digest


def main():
    expected = dict(line.strip().split("=", 1) for line in open(sys.argv[1]) if "=" in line)
    out_dir = sys.argv[2]
    problems = []
    report = []
    if "vm_sha256" in expected:
        files = (("vm.csv", "rows", "vm_sha256"),)
    else:
        files = (("vulnkb.csv", "vulns", "vulnkb_sha256"), ("cve.csv", "cves", "cve_sha256"))
    for name, rows_key, digest_key in files:
        path = os.path.join(out_dir, name)
        if not os.path.exists(path):
            problems.append("%s missing" % name)
            continue
        rows, digest = rows_and_digest(path)
        report.append("%s %d rows" % (name, rows))
        if rows != int(expected[rows_key]):
            problems.append("%s has %d rows, expected %s" % (name, rows, expected[rows_key]))
        elif digest != expected[digest_key]:
            problems.append("%s has the right row count but differs from the expected bytes" % name)
    if problems:
        print("FAIL %s: %s" % (out_dir, "; ".join(problems)))
        sys.exit(1)
    print("OK %s: %s, byte-identical to the expected files" % (out_dir, ", ".join(report)))


if __name__ == "__main__":
    main()
