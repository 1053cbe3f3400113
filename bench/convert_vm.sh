#!/usr/bin/env bash
# Host detection conversion benchmark, at three sizes 10x apart: `qualys-insightd convert vm`
# against `xmllint --stream --noout` (libxml2's streaming reader doing nothing but parse: the
# floor for any libxml2-based converter) and against the legacy step, on the same generated
# detections, interleaved, in one invocation; peak RSS at each size. See docs/benchmarks.md.
#
# The legacy step (docs/design.md "What it replaces", docs/qualys-api.md §6.3):
# qualys-vm.sh fetched one page with curl, `…/vm/detection/?action=list&show_results=0&
# output_format=CSV_NO_METADATA`, into temp/vm-temp.csv and made vm.csv with
# `cut --complement -f 2-6,8-13,15-36 -d,`. Here gen_vm.py writes the same detections in that
# CSV layout (--csv) and the benchmark times exactly that cut. Its output is not checked for
# content: it is wrong by design (columns 1, 7, 14, 37, 38 of the 38-column layout, i.e. no QID;
# a quoted comma shifts the columns; one row per detection, not per host-QID pair), only for
# its line count (one per detection, plus the header).
#
# usage: bench/convert_vm.sh [-r REPS] [-n HOSTS] [-m DETECTIONS] [--seed S] [--no-large]
#                            [--no-build] [--binary P]
#   -r REPS        repetitions; medians are reported (default 5)
#   -n HOSTS       hosts in the middle file (default 5000; 500 and 50000 beside it)
#   -m DETECTIONS  mean detections per host (default 50; ~270 MB for 5000 hosts)
#   --no-large     skip the 10x larger file (2.7 GB with the defaults, generated once)
set -euo pipefail

reps=5
hosts=5000
detections=50
seed=1
large=1
build=1
binary=""
while (($#)); do
  case "$1" in
    -r) reps=$2; shift 2 ;;
    -n) hosts=$2; shift 2 ;;
    -m) detections=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --no-large) large=0; shift ;;
    --no-build) build=0; shift ;;
    --binary) binary=$(realpath "$2"); build=0; shift 2 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "convert_vm.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

bench=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$bench/.." && pwd)
data="$bench/data"
[[ -n "$binary" ]] || binary="$root/build/release/daemon/qualys-insightd"
mkdir -p "$data"
log() { echo "convert_vm: $*" >&2; }
# shellcheck source=bench/lib.sh
source "$bench/lib.sh"
require_tools xmllint python3 cut
((build)) && build_release
[[ -x "$binary" ]] || { log "$binary not found (build failed or --no-build)"; exit 1; }

vm_file() {  # vm_file HOSTS: generates (once) the detection XML, its CSV twin and .expected
  local file="$data/vm_$1x${detections}_s$seed.xml"
  if [[ ! -s "$file" || ! -s "$file.expected" || ! -s "${file%.xml}.csv" ]]; then
    log "generating $file and ${file%.xml}.csv"
    python3 "$bench/gen_vm.py" -n "$1" -m "$detections" -s "$seed" --csv "${file%.xml}.csv.tmp" \
      "$file.tmp" >"$file.expected.tmp"
    mv "${file%.xml}.csv.tmp" "${file%.xml}.csv"
    mv "$file.tmp" "$file" && mv "$file.expected.tmp" "$file.expected"
  fi
  echo "$file"
}
convert_once() {  # convert_once NAME FILE
  rm -rf "$data/out-$1" && mkdir -p "$data/out-$1"
  measure "$1" "$binary" convert vm --input "$2" --output "$data/out-$1"
}
legacy_once() {  # legacy_once NAME CSV_FILE: the legacy cut, checked for its line count
  rm -rf "$data/out-$1" && mkdir -p "$data/out-$1"
  measure "$1" sh -c 'cut --complement -f 2-6,8-13,15-36 -d, "$1" >"$2"' cut "$2" "$data/out-$1/vm.csv"
}
get() { sed -n "s/^$2=//p" "$1.expected"; }
mb() { du -m --apparent-size "$1" | cut -f1; }

sizes=($((hosts / 10)) "$hosts")
((large)) && sizes+=($((hosts * 10)))
labels=(small main large)
rm -f "$data"/vm_*.m
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for i in "${!sizes[@]}"; do
  file=$(vm_file "${sizes[$i]}")
  csv="${file%.xml}.csv"
  label=${labels[$i]}
  cat "$file" "$csv" >/dev/null  # every contender starts from the page cache (if it fits)
  log "${sizes[$i]} hosts: $reps repetitions on $file ($(mb "$file") MiB) and $csv ($(mb "$csv") MiB); interleaved"
  for ((r = 1; r <= reps; r++)); do
    convert_once "vm_${label}_convert" "$file"
    python3 "$bench/check_csv.py" "$file.expected" "$data/out-vm_${label}_convert" >&2
    measure "vm_${label}_xmllint" xmllint --stream --noout "$file"
    legacy_once "vm_${label}_legacy" "$csv"
    lines=$(wc -l <"$data/out-vm_${label}_legacy/vm.csv")
    [[ $lines -eq $(($(get "$file" detections) + 1)) ]] ||
      { log "legacy cut wrote $lines lines, expected $(get "$file" detections) + 1"; exit 1; }
  done
done

echo
echo "Host detections, median of $reps (min–max in brackets), interleaved; $(nproc) CPUs," \
  "load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| file | run | wall s [min–max] | CPU s (user+sys) | peak RSS MiB |"
echo "|---|---|---:|---:|---:|"
for i in "${!sizes[@]}"; do
  file="$data/vm_${sizes[$i]}x${detections}_s$seed.xml"
  label=${labels[$i]}
  what="${sizes[$i]} hosts, $(get "$file" detections) detections, $(get "$file" rows) rows; XML $(mb "$file") MiB, CSV $(mb "${file%.xml}.csv") MiB"
  echo "| $what $(row "qualys-insightd convert vm" "vm_${label}_convert")"
  echo "| $(row "xmllint --stream --noout" "vm_${label}_xmllint")"
  echo "| $(row "legacy: cut of the CSV_NO_METADATA pull" "vm_${label}_legacy")"
done
echo
echo "| file | convert / xmllint wall (≤ 1.0×) | convert / xmllint CPU | convert / legacy cut wall | convert peak RSS (≤ 32 MiB) |"
echo "|---|---:|---:|---:|---:|"
for i in "${!sizes[@]}"; do
  label=${labels[$i]}
  c="$data/vm_${label}_convert.m" x="$data/vm_${label}_xmllint.m" l="$data/vm_${label}_legacy.m"
  w=$(ratio "$(median 1 "$c")" "$(median 1 "$x")")
  cr=$(median 2 "$c")
  echo "| ${sizes[$i]} hosts | ${w}× $(met "$(awk -v s="$w" 'BEGIN{print (s<=1.0)}')") |" \
    "$(ratio "$(median 3 "$c")" "$(median 3 "$x")")× | $(ratio "$(median 1 "$c")" "$(median 1 "$l")")× |" \
    "$(mib "$cr") $(met "$(awk -v k="$cr" 'BEGIN{print (k<=32768)}')") |"
done
echo
echo "Outputs checked: every convert's vm.csv has the expected rows and is byte-identical to" \
  "gen_vm.py's expectation; every legacy cut wrote one line per detection plus the header."
