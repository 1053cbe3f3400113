#!/usr/bin/env bash
# Scale run: the three jobs against qualys-sim at the size of a large subscription, with a
# server latency, to check that each fits its 50-minute window on this machine. Not in CI: the
# full size moves ~11 GB over loopback TLS and needs ~3 GB of disk.
#
# Full size (--scale 1): 1 000 000 assets, 160 000 QIDs, 100 000 hosts x 200 detections
# (20 M detections generated; vm.csv gets one row per distinct host-QID pair of status New,
# Active or Re-Opened). --scale 0.1 divides the three counts by 10 (200 detections per host
# stay), which is what docs/benchmarks.md records for this machine.
#
# Each job runs on its own (`qualys-insightd run JOB`, in the order of the default schedule:
# assets at 01:00, kb at 02:00, vm at 03:00, each with a 50 min timeout), so each is measured
# against its own window; --together runs `run all` instead (the three sharing the
# concurrency). For each: wall time, CPU time (user+sys), peak RSS, API calls and body bytes,
# rows, and the simulator's CPU; every output is compared with the simulator's oracle.
#
# usage: bench/scale_run.sh [--scale F] [--ttfb-ms MS] [--bandwidth BPS] [--concurrency N]
#                           [--jobs "assets kb vm"] [--together] [--build-dir DIR] [--no-build]
#                           [--columns FILE=NAME|NAME ...] [--keep]
#   --scale F        fraction of the full size (default 1)
#   --ttfb-ms MS     the simulator's time to first byte of every response (default 1000)
#   --bandwidth BPS  body bytes per second per response (default 10000000; 0 = unlimited)
#   --concurrency N  qualys.max_concurrency (default 2, Qualys's default subscription limit)
#   --jobs LIST      only these jobs, in this order (default "assets kb vm"); only their files
#                    are compared with the oracle
#   --columns F=A|B  output.extra_columns of file F (assets, vulnkb or vm), catalog names joined
#                    with | (repeatable); the oracle gets the same selection
#   --keep           keep the outputs in bench/data/scale (default: deleted at the end)
# Latency defaults are an assumption (one second before each response starts, 10 MB/s per
# response), not a measurement of Qualys: pass what your subscription shows.
set -euo pipefail

scale=1
ttfb=1000
bandwidth=10000000
concurrency=2
together=0
job_list="assets kb vm"
build=1
build_dir=""
keep=0
columns=()  # FILE=NAME|NAME
while (($#)); do
  case "$1" in
    --scale) scale=$2; shift 2 ;;
    --ttfb-ms) ttfb=$2; shift 2 ;;
    --bandwidth) bandwidth=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --together) together=1; shift ;;
    --jobs) job_list=$2; shift 2 ;;
    --build-dir) build_dir=$(realpath "$2"); build=0; shift 2 ;;
    --no-build) build=0; shift ;;
    --columns) columns+=("$2"); shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "scale_run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

bench=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$bench/.." && pwd)
data="$bench/data/scale"
[[ -n "$build_dir" ]] || build_dir="$root/build/release"
mkdir -p "$data"
log() { echo "scale_run: $(date -u +%H:%M:%S) $*" >&2; }
# shellcheck source=bench/lib.sh
source "$bench/lib.sh"
# shellcheck source=bench/sim_lib.sh
source "$bench/sim_lib.sh"
sim_binaries "$build" "$build_dir"
cleanup() {
  sim_stop
  ((keep)) || rm -rf "$data/out" "$data/state" "$data/expected"
}
trap cleanup EXIT

count() { awk -v n="$1" -v s="$scale" 'BEGIN { printf "%d", n * s }'; }
assets=$(count 1000000); qids=$(count 160000); hosts=$(count 100000)
sizes=(--seed 11 --assets "$assets" --qids "$qids" --hosts "$hosts" --detections-per-host 200)
latency=(--ttfb-ms "$ttfb" --bandwidth "$bandwidth")
sim_setup "$data"
rm -f "$data"/*.m "$data"/simulator.log

log "the simulator's oracle for ${sizes[*]}"
rm -rf "$data/expected"
expected_columns=()
for spec in "${columns[@]}"; do expected_columns+=(--expected-columns "$spec"); done
/usr/bin/time -f '%e' -o "$data/oracle.time" "$sim" "${sizes[@]}" --write-expected "$data/expected" \
  "${expected_columns[@]}" >/dev/null
log "oracle written in $(cat "$data/oracle.time") s"

sim_start "$sim" "${sizes[@]}" "${latency[@]}" --concurrency-limit 2
max_qid=$((10000 + 7 * qids + 7))  # data_gen.cpp: QIDs 10000 + 7 i + (0..6)
rm -rf "$data/out" "$data/state" && mkdir -p "$data/out" "$data/state"
write_config "$data/config.yaml" "$data/out" "$data/state" "  max_concurrency: $concurrency" \
  "  assets: { schedule: \"0 1 * * *\", timeout: 50m, full_refresh: 0s }
  kb:     { schedule: \"0 2 * * *\", timeout: 50m, full_refresh: 0s, max_qid: $max_qid }
  vm:     { schedule: \"0 3 * * *\", timeout: 50m, full_refresh: 0s }" \
  "$(extra_columns_yaml "${columns[@]}")"

stats() {  # stats FIELD: a counter of GET /__sim/stats
  curl -sS --cacert "$sim_dir/ca.pem" "https://localhost:$sim_port/__sim/stats" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

read -r -a runs <<<"$job_list"
files=()
for job in "${runs[@]}"; do
  case $job in
    assets) files+=(assets.csv) ;;
    kb) files+=(vulnkb.csv cve.csv) ;;
    vm) files+=(vm.csv) ;;
    *) log "unknown job $job"; exit 2 ;;
  esac
done
if ((together)); then runs=("all"); files=(assets.csv vulnkb.csv cve.csv vm.csv); fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%FT%TZ)
for job in "${runs[@]}"; do
  log "run $job"
  before_bytes=$(stats body_bytes_sent); before_cpu=$(sim_cpu)
  measure "$job" "$daemon" --config "$data/config.yaml" run "$job"
  echo "$(($(stats body_bytes_sent) - before_bytes)) $(awk -v a="$(sim_cpu)" -v b="$before_cpu" 'BEGIN{printf "%.1f", a-b}')" >"$data/$job.x"
  grep -E "succeeded|failed" "$data/$job.stderr" | cut -c30- >&2 || true
done
log "comparing with the oracle"
for file in "${files[@]}"; do
  cmp "$data/out/$file" "$data/expected/$file" || { log "$file differs from the simulator's oracle"; exit 1; }
done

rows() { python3 -c 'import csv, sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline="", encoding="utf-8"))) - 1)' "$1"; }
echo
echo "Scale run at scale $scale (${sizes[*]})${columns[*]:+, extra columns ${columns[*]}}, latency ${ttfb} ms to first byte and" \
  "$(awk -v b="$bandwidth" 'BEGIN { print (b ? b / 1e6 " MB/s" : "unlimited") }') per response," \
  "max_concurrency $concurrency; started $started; $(nproc) CPUs, load average before: $load_before," \
  "after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| run | wall | CPU s (user+sys) | peak RSS MiB | API calls | body bytes | simulator CPU s | fits 50 min |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
total_wall=0; total_cpu=0
for job in "${runs[@]}"; do
  read -r wall rss cpu <"$data/$job.m"
  read -r bytes sim_cpu_s <"$data/$job.x"
  calls=$(grep -oE '[0-9]+ API calls' "$data/$job.stderr" | awk '{ s += $1 } END { print s + 0 }')
  total_wall=$(awk -v a="$total_wall" -v b="$wall" 'BEGIN { print a + b }')
  total_cpu=$(awk -v a="$total_cpu" -v b="$cpu" 'BEGIN { print a + b }')
  echo "| qualys-insightd run $job | $(awk -v w="$wall" 'BEGIN { printf "%dm%04.1fs", int(w / 60), w - 60 * int(w / 60) }') |" \
    "$cpu | $(mib "$rss") | $calls | $(awk -v b="$bytes" 'BEGIN { printf "%.2f GB", b / 1e9 }') | $sim_cpu_s |" \
    "$(met "$(awk -v w="$wall" 'BEGIN { print (w <= 3000) }')") |"
done
echo "| total | $(awk -v w="$total_wall" 'BEGIN { printf "%dm%04.1fs", int(w / 60), w - 60 * int(w / 60) }') | $total_cpu | | | | | |"
echo
echo "| file | rows | bytes |"
echo "|---|---:|---:|"
for file in "${files[@]}"; do
  echo "| $file | $(rows "$data/out/$file") | $(stat -c %s "$data/out/$file") |"
done
echo
echo "Outputs checked: ${files[*]} match the simulator's oracle (written in $(cat "$data/oracle.time") s)."
