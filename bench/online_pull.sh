#!/usr/bin/env bash
# Online pull benchmark: `qualys-insightd run all` (assets, kb, vm) against qualys-sim over
# loopback TLS, against curl replaying exactly the same HTTP requests one after the other
# (same method, target, body, headers, credentials; one curl process with `next` between
# requests, so it keeps its connection alive as the daemon does) from the same simulator.
# The requests come from the simulator's request log (qualys-sim --request-log) of an untimed
# warm-up run. Three scenarios, each interleaved (daemon, curl, daemon, curl, …):
#   c1    qualys.max_concurrency: 1, no added latency          target daemon / curl ≤ 1.15×
#   c1bw  qualys.max_concurrency: 1, qualys-sim --bandwidth 16 MB/s per response (a server
#         slower than the daemon's parsing, as Qualys is)      target daemon / curl ≤ 1.15×
#   c2    qualys.max_concurrency: 2, qualys-sim --ttfb-ms 2000  target daemon / curl ≤ 0.6×
# Every daemon run's four CSVs are compared with the simulator's oracle (--write-expected),
# every curl request must get HTTP 200, and the simulator's body-byte counter must advance by
# the same amount for the daemon and for curl (the same data crossed the wire). See
# docs/benchmarks.md.
#
# usage: bench/online_pull.sh [-r REPS] [--scenario "c1 c1bw c2"] [--ttfb-ms MS] [--bandwidth BPS]
#                             [--sizes "ARGS"] [--build-dir DIR] [--no-build]
#   -r REPS        repetitions per scenario; medians are reported (default 5)
#   --scenario S   one or more of c1, c1bw, c2 (default all three)
#   --ttfb-ms MS   the simulator's time to first byte in c2 (default 2000)
#   --bandwidth B  body bytes per second per response in c1bw (default 16000000)
#   --sizes ARGS   qualys-sim dataset options (default below: 3 000 assets, 40 000 QIDs,
#                  8 000 hosts x 40 detections)
#   --build-dir D  use D/daemon/qualys-insightd and D/tools/qualys_sim/qualys-sim
#                  (default build/release, built with the release preset unless --no-build)
set -euo pipefail

reps=5
scenarios="c1 c1bw c2"
ttfb=2000
bandwidth=16000000
sizes="--seed 7 --assets 3000 --qids 40000 --hosts 8000 --detections-per-host 40"
build=1
build_dir=""
while (($#)); do
  case "$1" in
    -r) reps=$2; shift 2 ;;
    --scenario) scenarios=$2; shift 2 ;;
    --ttfb-ms) ttfb=$2; shift 2 ;;
    --bandwidth) bandwidth=$2; shift 2 ;;
    --sizes) sizes=$2; shift 2 ;;
    --build-dir) build_dir=$(realpath "$2"); build=0; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "online_pull.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

bench=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$bench/.." && pwd)
data="$bench/data/online"
[[ -n "$build_dir" ]] || build_dir="$root/build/release"
mkdir -p "$data"
log() { echo "online_pull: $*" >&2; }
# shellcheck source=bench/lib.sh
source "$bench/lib.sh"
# shellcheck source=bench/sim_lib.sh
source "$bench/sim_lib.sh"
require_tools curl python3
sim_binaries "$build" "$build_dir"
trap sim_stop EXIT

read -r -a sim_sizes <<<"$sizes"
sim_setup "$data"
rm -f "$data"/*.m "$data"/simulator.log
log "the simulator's oracle for: $sizes"
rm -rf "$data/expected" && "$sim" "${sim_sizes[@]}" --write-expected "$data/expected" >/dev/null

# Largest generated QID: the simulator numbers QIDs 10000 + 7 i + (0..6) (data_gen.cpp).
qids=$(awk '{ for (i = 1; i < NF; ++i) if ($i == "--qids") print $(i + 1) }' <<<"$sizes")
max_qid=$((10000 + 7 * ${qids:-20} + 7))
window=$(((max_qid + 7) / 8))  # 8 bounded KB windows, then the open-ended one
jobs_yaml="  assets: { schedule: \"0 1 * * *\", timeout: 30m, full_refresh: 0s, page_size: 300 }
  kb:     { schedule: \"0 2 * * *\", timeout: 30m, full_refresh: 0s, window_size: $window, max_qid: $max_qid }
  vm:     { schedule: \"0 3 * * *\", timeout: 30m, full_refresh: 0s, truncation_limit: 1000, hosts_per_window: 1000 }"

stats_bytes() {  # body bytes the simulator has sent so far (GET /__sim/stats)
  curl -sS --cacert "$sim_dir/ca.pem" "https://localhost:$sim_port/__sim/stats" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["body_bytes_sent"])'
}
log_lines() { if [[ -f $request_log ]]; then wc -l <"$request_log"; else echo 0; fi; }

# daemon_run NAME CONFIG: one timed run into fresh output and state directories, checked.
daemon_run() {
  local name=$1 before_bytes before_lines before_cpu
  rm -rf "$data/out" "$data/state" && mkdir -p "$data/out" "$data/state"
  before_bytes=$(stats_bytes); before_lines=$(log_lines); before_cpu=$(sim_cpu)
  measure "$name" "$daemon" --config "$2" run all
  for file in assets.csv vulnkb.csv cve.csv vm.csv; do
    cmp -s "$data/out/$file" "$data/expected/$file" ||
      { log "$name: $file differs from the simulator's oracle"; exit 1; }
  done
  echo "$(($(stats_bytes) - before_bytes)) $(($(log_lines) - before_lines)) $(awk -v a="$(sim_cpu)" -v b="$before_cpu" 'BEGIN{printf "%.2f", a-b}')" >>"$data/$name.x"
}

# curl_run NAME PREFIX: the replay (auth first, then every other request in one curl process).
curl_run() {
  local name=$1 prefix=$2 before_bytes before_cpu
  before_bytes=$(stats_bytes); before_cpu=$(sim_cpu)
  measure "$name" bash -c '
    set -euo pipefail
    umask 077
    token=""
    if [[ -s $1.auth.curl ]]; then curl -K "$1.auth.curl" >"$1.auth.codes"; token=$(cat "$1.token"); fi
    sed "s|@TOKEN@|$token|" "$1.requests.curl" >"$1.run.curl"
    curl -K "$1.run.curl" >"$1.codes"
  ' replay "$prefix"
  if cat "$prefix.codes" "$prefix.auth.codes" 2>/dev/null | grep -qv '^20[01] '; then
    log "$name: curl got a status other than 200 or 201 (gateway /auth):"; sort "$prefix.codes" | uniq -c >&2; exit 1
  fi
  echo "$(($(stats_bytes) - before_bytes)) $(cat "$prefix.codes" "$prefix.auth.codes" 2>/dev/null | wc -l) $(awk -v a="$(sim_cpu)" -v b="$before_cpu" 'BEGIN{printf "%.2f", a-b}')" >>"$data/$name.x"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for sc in $scenarios; do
  case $sc in
    c1) concurrency=1; latency=() ;;
    c1bw) concurrency=1; latency=(--bandwidth "$bandwidth") ;;
    c2) concurrency=2; latency=(--ttfb-ms "$ttfb") ;;
    *) log "unknown scenario $sc"; exit 2 ;;
  esac
  request_log="$data/requests-$sc.jsonl"
  rm -f "$request_log" "$data/d_$sc.x" "$data/c_$sc.x"
  sim_start "$sim" "${sim_sizes[@]}" "${latency[@]}" --request-log "$request_log"
  write_config "$data/config-$sc.yaml" "$data/out" "$data/state" "  max_concurrency: $concurrency" "$jobs_yaml"
  log "$sc: warm-up run (records the requests to replay), simulator on port $sim_port"
  daemon_run "warm_$sc" "$data/config-$sc.yaml"
  lines=$(log_lines)
  replay=$(python3 "$bench/replay_requests.py" "$request_log" 1 "$lines" "$sim_dir/auth.conf" \
    "https://localhost:$sim_port" "$sim_dir/ca.pem" "$data/replay-$sc")
  log "$sc: replaying $replay"
  for ((r = 1; r <= reps; r++)); do
    log "$sc: repetition $r/$reps"
    daemon_run "d_$sc" "$data/config-$sc.yaml"
    curl_run "c_$sc" "$data/replay-$sc"
  done
  # The same bytes must have crossed the wire for the daemon and for curl: up to a few dozen
  # bytes differ (the JWT's serial, the /__sim/stats bodies counted in the deltas).
  spread_bytes=$(cut -d' ' -f1 "$data/d_$sc.x" "$data/c_$sc.x" | sort -n | sed -n '1p;$p' | paste -sd' ' |
    awk '{ print $2 - $1 }')
  if ((spread_bytes > 1024)); then
    log "$sc: the daemon's and curl's runs moved different amounts of body bytes:"
    cat "$data/d_$sc.x" "$data/c_$sc.x" >&2
    exit 1
  fi
  eval "spread_$sc=$spread_bytes"
  eval "replay_$sc=\"$replay\""
  sim_stop
done

echo
echo "Online pull: qualys-sim $sizes; median of $reps, interleaved; $(nproc) CPUs," \
  "load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
for sc in $scenarios; do
  case $sc in
    c1) title="max_concurrency 1, no added latency"; target=1.15 ;;
    c1bw) title="max_concurrency 1, $(awk -v b="$bandwidth" 'BEGIN{print b/1e6}') MB/s per response"; target=1.15 ;;
    c2) title="max_concurrency 2, time to first byte ${ttfb} ms"; target=0.6 ;;
  esac
  bytes=$(median 1 "$data/d_$sc.x" | cut -d. -f1); calls=$(median 2 "$data/d_$sc.x" | cut -d. -f1)
  echo
  echo "Scenario $sc ($title): $calls requests, $(mib $((bytes / 1024))) MiB of bodies per run," \
    "the same to within $(eval echo "\$spread_$sc") bytes for every daemon and curl run (replay: $(eval echo "\$replay_$sc"))"
  echo
  echo "| run | wall s [min–max] | CPU s (user+sys) | peak RSS MiB | simulator CPU s |"
  echo "|---|---:|---:|---:|---:|"
  echo "$(row "qualys-insightd run all" "d_$sc") $(median 3 "$data/d_$sc.x") |"
  echo "$(row "curl, same requests, sequential" "c_$sc") $(median 3 "$data/c_$sc.x") |"
  echo
  x=$(ratio "$(median 1 "$data/d_$sc.m")" "$(median 1 "$data/c_$sc.m")")
  echo "| ratio | observed | target | |"
  echo "|---|---:|---:|---|"
  echo "| daemon wall / curl wall | ${x}× | ≤ ${target}× | $(met "$(awk -v s="$x" -v t="$target" 'BEGIN{print (s<=t)}')") |"
done
echo
echo "Outputs checked: every daemon run's four CSVs equal the simulator's oracle; every curl request got HTTP 200 (201 for the gateway /auth, as from Qualys)."
