#!/usr/bin/env bash
# Host detection conversion benchmark: `qualys-insightd convert vm` against `xmllint --stream`
# on the same generated HOST_LIST_VM_DETECTION_OUTPUT file, interleaved, in one invocation; then
# convert on a 10x smaller file to show peak RSS does not grow. See docs/benchmarks.md.
#
# usage: bench/convert_vm.sh [-r REPS] [-n HOSTS] [-m DETECTIONS] [--seed S] [--no-build] [--binary P]
#   -r REPS        repetitions; medians are reported (default 5)
#   -n HOSTS       hosts in the main file (default 5000)
#   -m DETECTIONS  mean detections per host (default 50; ~240 MB with the defaults)
set -euo pipefail

reps=5
hosts=5000
detections=50
seed=1
build=1
binary=""
while (($#)); do
  case "$1" in
    -r) reps=$2; shift 2 ;;
    -n) hosts=$2; shift 2 ;;
    -m) detections=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --binary) binary=$(realpath "$2"); build=0; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
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
require_tools xmllint python3
((build)) && build_release
[[ -x "$binary" ]] || { log "$binary not found (build failed or --no-build)"; exit 1; }

vm_file() {  # vm_file HOSTS: generates (once) the detection file; .expected holds the counts
  local file="$data/vm_$1x${detections}_s$seed.xml"
  if [[ ! -s "$file" || ! -s "$file.expected" ]]; then
    log "generating $file"
    python3 "$bench/gen_vm.py" -n "$1" -m "$detections" -s "$seed" "$file.tmp" >"$file.expected.tmp"
    mv "$file.tmp" "$file" && mv "$file.expected.tmp" "$file.expected"
  fi
  echo "$file"
}
convert_once() {  # convert_once NAME FILE
  rm -rf "$data/out-$1" && mkdir -p "$data/out-$1"
  measure "$1" "$binary" convert vm --input "$2" --output "$data/out-$1"
}

main_file=$(vm_file "$hosts")
small_file=$(vm_file $((hosts / 10)))
rm -f "$data"/vm_*.m
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
cat "$main_file" >/dev/null
log "$reps repetitions on $main_file; interleaved"
for ((r = 1; r <= reps; r++)); do
  convert_once vm_convert "$main_file"
  python3 "$bench/check_csv.py" "$main_file.expected" "$data/out-vm_convert" >&2
  measure vm_xmllint xmllint --stream --noout "$main_file"
done
for ((r = 1; r <= reps; r++)); do
  convert_once vm_small "$small_file"
done
python3 "$bench/check_csv.py" "$small_file.expected" "$data/out-vm_small" >&2

get() { sed -n "s/^$1=//p" "$main_file.expected"; }
echo
echo "Host detections, $(get hosts) hosts / $(get detections) detections / $(get rows) vm.csv rows," \
  "$(du -m --apparent-size "$main_file" | cut -f1) MiB, median of $reps; $(nproc) CPUs," \
  "load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| run | wall s [min–max] | CPU s (user+sys) | peak RSS MiB |"
echo "|---|---:|---:|---:|"
row "qualys-insightd convert vm" vm_convert
row "xmllint --stream --noout" vm_xmllint
row "convert vm, 10x smaller file ($((hosts / 10)) hosts)" vm_small
echo
echo "| ratio | observed | target | |"
echo "|---|---:|---:|---|"
x=$(ratio "$(median 1 "$data/vm_convert.m")" "$(median 1 "$data/vm_xmllint.m")")
echo "| convert wall / xmllint --stream wall | ${x}× | ≤ 1.0× | $(met "$(awk -v s="$x" 'BEGIN{print (s<=1.0)}')") |"
x=$(ratio "$(median 3 "$data/vm_convert.m")" "$(median 3 "$data/vm_xmllint.m")")
echo "| convert CPU / xmllint --stream CPU | ${x}× | (≤ 1.0×) | $(met "$(awk -v s="$x" 'BEGIN{print (s<=1.0)}')") |"
cr=$(median 2 "$data/vm_convert.m")
echo "| convert peak RSS | $(mib "$cr") MiB | ≤ 32 MiB | $(met "$(awk -v k="$cr" 'BEGIN{print (k<=32768)}')") |"
echo
echo "Outputs checked: vm.csv rows = $(get rows), byte-identical to gen_vm.py's expectation."
