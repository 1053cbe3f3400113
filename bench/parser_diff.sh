#!/usr/bin/env bash
# Differential check of the Qualys XML parsers: builds bench/parser_trace.cpp against the
# parsers of a git revision (default HEAD) and against the working tree, runs both over every
# XML fixture, sample and fuzz seed plus generated documents and thousands of mutants of them
# (truncations, renamed, dropped and duplicated elements, an injected WARNING), and compares
# the traces byte for byte. Exit status 0 when they are identical.
#
# usage: bench/parser_diff.sh [REV]
set -euo pipefail
rev=${1:-HEAD}
bench=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$bench/.." && pwd)
work=$(mktemp -d /tmp/parser_diff.XXXXXX)
trap 'rm -rf "$work"' EXIT

sources() {  # sources TREE: the files the trace program needs from a source tree
  echo "$1"/lib/xml/*.cpp "$1"/lib/qualys/qualys_xml_document.cpp "$1"/lib/qualys/simple_return.cpp \
    "$1"/lib/qualys/kb_parser.cpp "$1"/lib/qualys/detection_parser.cpp "$1"/lib/qualys/host_id_set_parser.cpp
}
build() {  # build TREE OUT
  # shellcheck disable=SC2046
  g++ -std=c++20 -O1 -I"$1/lib" $(pkg-config --cflags libxml-2.0) -o "$2" "$bench/parser_trace.cpp" \
    $(sources "$1") $(pkg-config --libs libxml-2.0)
}

mkdir -p "$work/old" "$work/inputs"
git -C "$root" archive "$rev" lib/common lib/xml lib/qualys | tar -x -C "$work/old"
build "$work/old" "$work/trace-old" &
build "$root" "$work/trace-new" &
wait %1 && wait %2

# Inputs: every fixture, sample (../shared/samples/qualys, when present) and fuzz seed, small
# generated KB and detection documents, and mutants of all of them (seeded: the same inputs on
# every run).
for f in "$root"/tests/fixtures/qualys/*.xml "$root"/../shared/samples/qualys/*.xml \
         "$root"/fuzz/corpus/{kb_parser,detection_parser,host_id_set_parser,simple_return}/*; do
  [[ -f $f ]] && cp "$f" "$work/inputs/$(basename "$(dirname "$f")")-$(basename "$f")"
done
python3 "$bench/gen_kb.py" -n 40 -s 7 "$work/inputs/gen-kb.xml" >/dev/null
python3 "$bench/gen_vm.py" -n 12 -m 6 -s 7 "$work/inputs/gen-vm.xml" >/dev/null
python3 - "$work/inputs" <<'PY'
import os, random, re, sys
d = sys.argv[1]
rng = random.Random(5)
names = ["RESPONSE", "VULN_LIST", "VULN", "QID", "TITLE", "CATEGORY", "SEVERITY_LEVEL", "CVE_LIST",
         "CVE", "ID", "URL", "HOST_LIST", "HOST", "QG_HOSTID", "DETECTION_LIST", "DETECTION", "ID_SET",
         "ID_RANGE", "WARNING", "CODE", "TEXT", "SIMPLE_RETURN", "ITEM_LIST", "ITEM", "KEY", "VALUE",
         "X", "qid", "RESPONSEX"]
warning = ("<WARNING><CODE>1980</CODE><TEXT>1 record limit exceeded</TEXT>"
           "<URL><![CDATA[https://q/api/2.0/fo/x/?id_min=9]]></URL></WARNING>")
for name in sorted(os.listdir(d)):
    text = open(os.path.join(d, name), "rb").read().decode("utf-8", "replace")
    tags = list(re.finditer(r"</?([A-Za-z_][A-Za-z0-9_]*)", text))
    for i in range(60):
        cut = rng.randrange(len(text) + 1)
        out = text[:cut]
        kind = i % 5
        if kind == 1 and tags:  # rename one element (start and end tag alike)
            old = rng.choice(tags).group(1); new = rng.choice(names)
            out = re.sub(r"(</?)%s\b" % re.escape(old), r"\g<1>" + new, text, count=rng.randrange(1, 4))
        elif kind == 2 and tags:  # rename a single tag (usually not well-formed any more)
            t = rng.choice(tags)
            out = text[:t.start(1)] + rng.choice(names) + text[t.end(1):]
        elif kind == 3:  # an injected WARNING after RESPONSE's start tag, or before its end
            pos = text.find("<RESPONSE>") + len("<RESPONSE>") if rng.random() < 0.5 else text.find("</RESPONSE>")
            if pos >= 0:
                out = text[:pos] + warning + text[pos:]
        elif kind == 4 and tags:  # wrap a random element in another one
            t = rng.choice([t for t in tags if not t.group(0).startswith("</")] or tags)
            end = text.find("</%s>" % t.group(1), t.start())
            if end > 0:
                end += len(t.group(1)) + 3
                w = rng.choice(names)
                out = text[:t.start()] + "<%s>" % w + text[t.start():end] + "</%s>" % w + text[end:]
        open(os.path.join(d, "%s.m%02d" % (name, i)), "w", encoding="utf-8").write(out)
PY
count=$(find "$work/inputs" -type f | wc -l)
(cd "$work/inputs" && "$work/trace-old" * >"$work/old.trace" 2>&1) || true
(cd "$work/inputs" && "$work/trace-new" * >"$work/new.trace" 2>&1) || true
echo "parser_diff: $count inputs, $(wc -l <"$work/old.trace") trace lines, $(grep -c '^vuln\|^host\|^range' "$work/old.trace") records," \
  "$(grep -c 'Error' "$work/old.trace") errors"
if cmp -s "$work/old.trace" "$work/new.trace"; then
  echo "parser_diff: identical traces ($rev vs working tree)"
else
  diff "$work/old.trace" "$work/new.trace" | head -40
  echo "parser_diff: the traces differ ($rev vs working tree)" >&2
  exit 1
fi
