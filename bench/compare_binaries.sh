#!/usr/bin/env bash
# Before/after: two qualys-insightd binaries converting the same generated KB and detection
# files, interleaved (A, B, A, B, …), medians of wall and CPU time and the ratio B / A; the
# outputs of the two must be byte-identical. For a change to the parsers or the CSV writer.
#
# usage: bench/compare_binaries.sh [-r REPS] BINARY_A BINARY_B
#   (uses bench/data/kb_160000_s1.xml and vm_5000x50_s1.xml: run convert_kb.sh and
#   convert_vm.sh once first, or gen_kb.py / gen_vm.py by hand)
set -euo pipefail
reps=5
if [[ ${1:-} == -r ]]; then reps=$2; shift 2; fi
[[ $# -eq 2 ]] || { sed -n '2,8p' "$0"; exit 2; }
a=$(realpath "$1"); b=$(realpath "$2")
bench=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$bench/.." && pwd)
data="$bench/data"
log() { echo "compare_binaries: $*" >&2; }
# shellcheck source=bench/lib.sh
source "$bench/lib.sh"

kb="$data/kb_160000_s1.xml" vm="$data/vm_5000x50_s1.xml"
for f in "$kb" "$vm"; do [[ -s $f ]] || { log "$f is missing (see --help)"; exit 1; }; done
rm -f "$data"/cmp_*.m
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 1; r <= reps; r++)); do
  for kind in kb vm; do
    input=$kb; [[ $kind == vm ]] && input=$vm
    for side in a b; do
      binary=$a; [[ $side == b ]] && binary=$b
      rm -rf "$data/out-cmp-$side" && mkdir -p "$data/out-cmp-$side"
      measure "cmp_${kind}_$side" "$binary" convert "$kind" --input "$input" --output "$data/out-cmp-$side"
    done
    for file in "$data/out-cmp-a"/*.csv; do
      cmp -s "$file" "$data/out-cmp-b/$(basename "$file")" || { log "$kind: $(basename "$file") differs"; exit 1; }
    done
  done
done
echo
echo "A = $a, B = $b; median of $reps, interleaved; load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| input | A wall s | B wall s | B / A wall | A CPU s | B CPU s | B / A CPU | A RSS MiB | B RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for kind in kb vm; do
  ma="$data/cmp_${kind}_a.m" mb="$data/cmp_${kind}_b.m"
  echo "| convert $kind $(basename "$([[ $kind == kb ]] && echo "$kb" || echo "$vm")") | $(median 1 "$ma") | $(median 1 "$mb") |" \
    "$(ratio "$(median 1 "$mb")" "$(median 1 "$ma")")× | $(median 3 "$ma") | $(median 3 "$mb") |" \
    "$(ratio "$(median 3 "$mb")" "$(median 3 "$ma")")× | $(mib "$(median 2 "$ma")") | $(mib "$(median 2 "$mb")") |"
done
echo
echo "Outputs of A and B byte-identical in every repetition."
