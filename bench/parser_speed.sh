#!/usr/bin/env bash
# The parsers alone, before and after a change: builds bench/parser_speed.cpp against the
# parsers of a git revision and of the working tree (-O2 -g, as RelWithDebInfo), then parses the
# generated 160 000-QID KB and 5 000-host detection files with each, interleaved, and prints
# the median CPU seconds and the ratio. Isolates the parsers from the CSV writer and the rest.
#
# usage: bench/parser_speed.sh [-r REPS] [REV]   (REV default HEAD)
set -euo pipefail
reps=7
if [[ ${1:-} == -r ]]; then reps=$2; shift 2; fi
rev=${1:-HEAD}
bench=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$bench/.." && pwd)
data="$bench/data"
work=$(mktemp -d /tmp/parser_speed.XXXXXX)
trap 'rm -rf "$work"' EXIT
build() {  # build TREE OUT
  # shellcheck disable=SC2046
  g++ -std=c++20 -O2 -g -I"$1/lib" $(pkg-config --cflags libxml-2.0) -o "$2" "$bench/parser_speed.cpp" \
    "$1"/lib/xml/*.cpp "$1"/lib/qualys/{qualys_xml_document,simple_return,kb_parser,detection_parser}.cpp \
    $(pkg-config --libs libxml-2.0)
}
mkdir -p "$work/old"
git -C "$root" archive "$rev" lib/common lib/xml lib/qualys | tar -x -C "$work/old"
build "$work/old" "$work/old.bin" & build "$root" "$work/new.bin" & wait
kb="$data/kb_160000_s1.xml" vm="$data/vm_5000x50_s1.xml"
for f in "$kb" "$vm"; do [[ -s $f ]] || { echo "parser_speed: $f missing: run convert_kb.sh / convert_vm.sh once" >&2; exit 1; }; done
cat "$kb" "$vm" >/dev/null
for ((r = 1; r <= reps; r++)); do
  for kind in kb vm; do
    f=$kb; [[ $kind == vm ]] && f=$vm
    "$work/old.bin" "$kind" "$f" | cut -d' ' -f1 >>"$work/$kind.old"
    "$work/new.bin" "$kind" "$f" | cut -d' ' -f1 >>"$work/$kind.new"
  done
done
med() { sort -g "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "| parser (CPU s, median of $reps, interleaved) | $rev | working tree | ratio |"
echo "|---|---:|---:|---:|"
for kind in kb vm; do
  o=$(med "$work/$kind.old"); n=$(med "$work/$kind.new")
  echo "| $([[ $kind == kb ]] && echo "KbParser, $(basename "$kb")" || echo "DetectionParser, $(basename "$vm")") | $o | $n | $(awk -v a="$n" -v b="$o" 'BEGIN { printf "%.2f×", a / b }') |"
done
