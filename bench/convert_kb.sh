#!/usr/bin/env bash
# KB conversion benchmark at three sizes 10x apart: `qualys-insightd convert kb` against the
# legacy pipeline (bench/legacy: xmltodict + JSON round trip + xsltproc) and against
# `xmllint --stream` (libxml2's streaming reader doing nothing but parse: the floor for any
# libxml2-based converter), each size on the same generated file, in the same invocation,
# interleaved, so the ratios hold on a noisy shared machine; peak RSS at each size. See
# docs/benchmarks.md.
#
# usage: bench/convert_kb.sh [-r REPS] [-n QIDS] [--seed S] [--no-large] [--legacy-large]
#                            [--no-build] [--binary P] [--no-legacy]
#   -r REPS         repetitions of each measurement; medians are reported (default 5)
#   -n QIDS         QIDs in the middle file (default 160000, ~325 MiB; 16000 and 1600000 beside it)
#   --no-large      skip the 10x larger file (~3.2 GiB on disk, generated once)
#   --legacy-large  also run the legacy pipeline on the large file (it needs ~6.6x the file
#                   size in RAM, ~21 GiB: not run by default)
#   --no-build      use build/release/daemon/qualys-insightd as it is
#   --binary P      benchmark the qualys-insightd at P instead (implies --no-build)
#   --no-legacy     skip the legacy pipeline (slow: it needs minutes and GBs per run)
# Generated files are cached in bench/data/ (gitignored). Exit status is non-zero when an
# output is wrong; missed targets are reported in the table, not in the exit status.
set -euo pipefail

reps=5
qids=160000
seed=1
large=1
legacy_large=0
build=1
binary=""
legacy=1
while (($#)); do
  case "$1" in
    -r) reps=$2; shift 2 ;;
    -n) qids=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --large) large=1; shift ;;  # the default now; kept for old command lines
    --no-large) large=0; shift ;;
    --legacy-large) legacy_large=1; shift ;;
    --no-build) build=0; shift ;;
    --no-legacy) legacy=0; shift ;;
    --binary) binary=$(realpath "$2"); build=0; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "convert_kb.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

bench=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$bench/.." && pwd)
data="$bench/data"
[[ -n "$binary" ]] || binary="$root/build/release/daemon/qualys-insightd"
mkdir -p "$data"
log() { echo "convert_kb: $*" >&2; }
# shellcheck source=bench/lib.sh
source "$bench/lib.sh"
require_tools xmllint xsltproc python3
((build)) && build_release
[[ -x "$binary" ]] || { log "$binary not found (build failed or --no-build)"; exit 1; }

# Generates (once) the KB file of $1 QIDs; the .expected file holds gen_kb.py's counts.
kb_file() {
  local n=$1 file="$data/kb_$1_s$seed.xml"
  if [[ ! -s "$file" || ! -s "$file.expected" ]]; then
    log "generating $file"
    python3 "$bench/gen_kb.py" -n "$n" -s "$seed" "$file.tmp" >"$file.expected.tmp"
    mv "$file.tmp" "$file" && mv "$file.expected.tmp" "$file.expected"
  fi
  echo "$file"
}

convert_once() {  # convert_once NAME FILE: one timed run into a fresh output directory
  rm -rf "$data/out-$1" && mkdir -p "$data/out-$1"
  measure "$1" "$binary" convert kb --input "$2" --output "$data/out-$1"
}

sizes=($((qids / 10)) "$qids")
((large)) && sizes+=($((qids * 10)))
labels=(small main large)
read_bytes() { du -m --apparent-size "$1" | cut -f1; }
rm -f "$data"/kb_*.m
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for i in "${!sizes[@]}"; do
  file=$(kb_file "${sizes[$i]}")
  label=${labels[$i]}
  with_legacy=$legacy
  [[ $label == large ]] && ((!legacy_large)) && with_legacy=0
  cat "$file" >/dev/null  # every contender starts with the file in the page cache (if it fits)
  log "${sizes[$i]} QIDs: $reps repetitions on $file ($(read_bytes "$file") MiB); interleaved"
  for ((r = 1; r <= reps; r++)); do
    log "${sizes[$i]} QIDs: repetition $r/$reps"
    convert_once "kb_${label}_convert" "$file"
    python3 "$bench/check_csv.py" "$file.expected" "$data/out-kb_${label}_convert" >&2
    measure "kb_${label}_xmllint" xmllint --stream --noout "$file"
    if ((with_legacy)); then
      rm -rf "$data/out-legacy" && mkdir -p "$data/out-legacy"
      measure "kb_${label}_legacy_py" python3 "$bench/legacy/xmldict.py" "$file" "$data/out-legacy"
      measure "kb_${label}_legacy_xslt" xsltproc --nonet --output "$data/out-legacy/cve.csv" \
        "$bench/legacy/vuln2csv.xsl" "$file"
      python3 "$bench/check_csv.py" "$file.expected" "$data/out-legacy" >&2
    fi
  done
  # Legacy totals per repetition: the two steps run one after the other, so wall times add
  # and the peak RSS is the larger of the two.
  if ((with_legacy)); then
    paste -d' ' "$data/kb_${label}_legacy_py.m" "$data/kb_${label}_legacy_xslt.m" |
      awk '{ printf "%.2f %d %.2f\n", $1+$4, ($2>$5?$2:$5), $3+$6 }' >"$data/kb_${label}_legacy.m"
  fi
done

get() { sed -n "s/^$2=//p" "$1.expected"; }
echo
echo "KB conversion, median of $reps (min–max in brackets), interleaved; $(nproc) CPUs," \
  "load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| file | run | wall s [min–max] | CPU s (user+sys) | peak RSS MiB |"
echo "|---|---|---:|---:|---:|"
for i in "${!sizes[@]}"; do
  file="$data/kb_${sizes[$i]}_s$seed.xml"
  label=${labels[$i]}
  echo "| ${sizes[$i]} QIDs, $(get "$file" cves) CVEs, $(read_bytes "$file") MiB $(row "qualys-insightd convert kb" "kb_${label}_convert")"
  echo "| $(row "xmllint --stream --noout" "kb_${label}_xmllint")"
  if [[ -s "$data/kb_${label}_legacy.m" ]]; then
    echo "| $(row "legacy: xmldict.py (xmltodict + JSON)" "kb_${label}_legacy_py")"
    echo "| $(row "legacy: xsltproc vuln2csv.xsl" "kb_${label}_legacy_xslt")"
    echo "| $(row "legacy total" "kb_${label}_legacy")"
  fi
done
echo
echo "| file | legacy / convert wall (≥ 30×) | legacy / convert CPU | convert / xmllint wall (≤ 1.0×) | convert / xmllint CPU | convert peak RSS (≤ 32 MiB) |"
echo "|---|---:|---:|---:|---:|---:|"
for i in "${!sizes[@]}"; do
  label=${labels[$i]}
  c="$data/kb_${label}_convert.m" x="$data/kb_${label}_xmllint.m" l="$data/kb_${label}_legacy.m"
  lw="not run" lc="not run"
  if [[ -s $l ]]; then
    lw=$(ratio "$(median 1 "$l")" "$(median 1 "$c")")
    lw="${lw}× $(met "$(awk -v s="$lw" 'BEGIN{print (s>=30)}')")"
    lc="$(ratio "$(median 3 "$l")" "$(median 3 "$c")")×"
  fi
  w=$(ratio "$(median 1 "$c")" "$(median 1 "$x")")
  cr=$(median 2 "$c")
  echo "| ${sizes[$i]} QIDs | $lw | $lc | ${w}× $(met "$(awk -v s="$w" 'BEGIN{print (s<=1.0)}')") |" \
    "$(ratio "$(median 3 "$c")" "$(median 3 "$x")")× | $(mib "$cr") $(met "$(awk -v k="$cr" 'BEGIN{print (k<=32768)}')") |"
done
echo
echo "Outputs checked: every convert's (and legacy run's) vulnkb.csv and cve.csv have the expected" \
  "rows and are byte-identical to gen_kb.py's expectation."
