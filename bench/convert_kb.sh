#!/usr/bin/env bash
# KB conversion benchmark: `qualys-insightd convert kb` against the legacy pipeline
# (bench/legacy: xmltodict + JSON round trip + xsltproc) and against `xmllint --stream`
# (libxml2's streaming reader doing nothing but parse: the floor for any libxml2-based
# converter), all on the same generated file, in the same invocation, interleaved, so the
# ratios hold on a noisy shared machine. See docs/benchmarks.md.
#
# usage: bench/convert_kb.sh [-r REPS] [-n QIDS] [--seed S] [--large] [--no-build] [--no-legacy]
#   -r REPS      repetitions of each measurement; medians are reported (default 5)
#   -n QIDS      QIDs in the main file (default 160000, ~340 MB)
#   --large      also run convert on a 10x larger file (~3.4 GB on disk, generated once)
#   --no-build   use build/release/daemon/qualys-insightd as it is
#   --binary P   benchmark the qualys-insightd at P instead (implies --no-build)
#   --no-legacy  skip the legacy pipeline (slow: it needs minutes and GBs per run)
# Generated files are cached in bench/data/ (gitignored). Exit status is non-zero when an
# output is wrong; missed targets are reported in the table, not in the exit status.
set -euo pipefail

reps=5
qids=160000
seed=1
large=0
build=1
binary=""
legacy=1
while (($#)); do
  case "$1" in
    -r) reps=$2; shift 2 ;;
    -n) qids=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --large) large=1; shift ;;
    --no-build) build=0; shift ;;
    --no-legacy) legacy=0; shift ;;
    --binary) binary=$(realpath "$2"); build=0; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
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

main_file=$(kb_file "$qids")
small_file=$(kb_file $((qids / 10)))
read_bytes() { du -m --apparent-size "$1" | cut -f1; }
rm -f "$data"/*.m
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
cat "$main_file" >/dev/null  # every contender starts with the file in the page cache

log "$reps repetitions on $main_file ($(read_bytes "$main_file") MiB); interleaved"
for ((r = 1; r <= reps; r++)); do
  log "repetition $r/$reps"
  convert_once convert "$main_file"
  python3 "$bench/check_csv.py" "$main_file.expected" "$data/out-convert" >&2
  measure xmllint xmllint --stream --noout "$main_file"
  if ((legacy)); then
    rm -rf "$data/out-legacy" && mkdir -p "$data/out-legacy"
    measure legacy_py python3 "$bench/legacy/xmldict.py" "$main_file" "$data/out-legacy"
    measure legacy_xslt xsltproc --nonet --output "$data/out-legacy/cve.csv" \
      "$bench/legacy/vuln2csv.xsl" "$main_file"
    python3 "$bench/check_csv.py" "$main_file.expected" "$data/out-legacy" >&2
  fi
done

log "RSS scaling: convert on the 10x smaller file"
for ((r = 1; r <= reps; r++)); do
  convert_once small "$small_file"
done
python3 "$bench/check_csv.py" "$small_file.expected" "$data/out-small" >&2
if ((large)); then
  large_file=$(kb_file $((qids * 10)))
  cat "$large_file" >/dev/null
  log "RSS scaling: convert on the 10x larger file"
  for ((r = 1; r <= reps; r++)); do
    convert_once large "$large_file"
  done
  python3 "$bench/check_csv.py" "$large_file.expected" "$data/out-large" >&2
fi

# Legacy totals per repetition: the two steps run one after the other, so wall times add
# and the peak RSS is the larger of the two.
if ((legacy)); then
  paste -d' ' "$data/legacy_py.m" "$data/legacy_xslt.m" |
    awk '{ printf "%.2f %d %.2f\n", $1+$4, ($2>$5?$2:$5), $3+$6 }' >"$data/legacy.m"
fi

cw=$(median 1 "$data/convert.m"); cr=$(median 2 "$data/convert.m")
xw=$(median 1 "$data/xmllint.m"); xr=$(median 2 "$data/xmllint.m")
expected_vulns=$(sed -n 's/^vulns=//p' "$main_file.expected")
expected_cves=$(sed -n 's/^cves=//p' "$main_file.expected")

echo
echo "KB conversion, $expected_vulns QIDs / $expected_cves CVEs, $(read_bytes "$main_file") MiB," \
  "median of $reps (min–max in brackets); $(nproc) CPUs, load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| run | wall s [min–max] | CPU s (user+sys) | peak RSS MiB |"
echo "|---|---:|---:|---:|"
row "qualys-insightd convert kb" convert
row "xmllint --stream --noout" xmllint
if ((legacy)); then
  lw=$(median 1 "$data/legacy.m"); lr=$(median 2 "$data/legacy.m")
  row "legacy: xmldict.py (xmltodict + JSON)" legacy_py
  row "legacy: xsltproc vuln2csv.xsl" legacy_xslt
  row "legacy total" legacy
fi
row "convert, 10x smaller file ($((qids / 10)) QIDs)" small
if ((large)); then
  row "convert, 10x larger file ($((qids * 10)) QIDs)" large
fi
echo
echo "| ratio | observed | target | |"
echo "|---|---:|---:|---|"
if ((legacy)); then
  s=$(ratio "$lw" "$cw")
  echo "| legacy wall / convert wall | ${s}× | ≥ 30× | $(met "$(awk -v s="$s" 'BEGIN{print (s>=30)}')") |"
fi
if ((legacy)); then
  s=$(ratio "$(median 3 "$data/legacy.m")" "$(median 3 "$data/convert.m")")
  echo "| legacy CPU / convert CPU | ${s}× | (≥ 30×) | $(met "$(awk -v s="$s" 'BEGIN{print (s>=30)}')") |"
fi
x=$(ratio "$cw" "$xw")
echo "| convert wall / xmllint --stream wall | ${x}× | ≤ 1.0× | $(met "$(awk -v s="$x" 'BEGIN{print (s<=1.0)}')") |"
x=$(ratio "$(median 3 "$data/convert.m")" "$(median 3 "$data/xmllint.m")")
echo "| convert CPU / xmllint --stream CPU | ${x}× | (≤ 1.0×) | $(met "$(awk -v s="$x" 'BEGIN{print (s<=1.0)}')") |"
echo "| convert peak RSS | $(mib "$cr") MiB | ≤ 32 MiB | $(met "$(awk -v k="$cr" 'BEGIN{print (k<=32768)}')") |"
echo
echo "Outputs checked: vulnkb.csv rows = $expected_vulns, cve.csv rows = $expected_cves, byte-identical to gen_kb.py's expectation."
