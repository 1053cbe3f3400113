#!/usr/bin/env bash
# Assets Cloud push: `qualys-insightd run insight` (mode cloud) pushing a large published set
# into assets-sim, with a per-request latency, against Assets' rate limit. Not in CI.
#
# The set is made the real way: qualys-sim at the given size, then `run assets kb vm` against it
# with no server latency (about a minute at full size), which writes the four CSVs, manifest.json
# and the assets' host IDs in state.dir. It is kept in bench/data/insight and reused by later
# runs of the same size (--fresh makes it again).
#
# Full size (--scale 1): 100 000 assets and hosts, 160 000 QIDs, 45 detections generated per host,
# which gives about 2 000 000 rows in vm.csv (the distinct host-QID pairs of status New, Active or
# Re-Opened). The push holds the whole KnowledgeBase (insight.cloud.vulnerabilities: all) with
# max_objects raised, chunk_objects 500.
#
# Measured: requests (from assets-sim's /__assets/stats, by family) and requests per 1 000
# objects, objects per second against the ceiling the rate limit sets
# (rate / 60 x chunk_objects), wall time, CPU and peak RSS of the daemon (GNU time), and the
# objects assets-sim holds afterwards.
#
# usage: bench/insight_push.sh [--scale F] [--latency-ms MS] [--rate N] [--chunk N]
#                              [--vulnerabilities all|detected] [--fresh] [--build-dir DIR]
#                              [--columns FILE=NAME|NAME ...] [--no-build]
#   --scale F          fraction of the full size (default 1)
#   --latency-ms MS    assets-sim's delay before each Cloud answer (default 150)
#   --rate N           requests a minute Assets allows; assets-sim answers 429 beyond (default
#                      1000, as Atlassian documents; the daemon's own limiter uses 1000 too)
#   --chunk N          insight.cloud.chunk_objects (default 500)
#   --vulnerabilities  insight.cloud.vulnerabilities (default all: the 160 000-QID figure)
#   --columns F=A|B    output.extra_columns of file F (assets, vulnkb or vm), catalog names
#                      joined with | (repeatable): the set is published with them (a set of its
#                      own) and the push carries them as attributes
#   --fresh            make the published set again
# The latency default is an assumption, not a measurement of Atlassian: a round trip from Europe
# to api.atlassian.com plus the time Assets takes to accept a chunk. Pass what your site shows.
set -euo pipefail

scale=1
latency=150
rate=1000
chunk=500
vulnerabilities=all
fresh=0
build=1
build_dir=""
columns=()  # FILE=NAME|NAME
while (($#)); do
  case "$1" in
    --scale) scale=$2; shift 2 ;;
    --latency-ms) latency=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --chunk) chunk=$2; shift 2 ;;
    --vulnerabilities) vulnerabilities=$2; shift 2 ;;
    --columns) columns+=("$2"); shift 2 ;;
    --fresh) fresh=1; shift ;;
    --build-dir) build_dir=$(realpath "$2"); build=0; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,34p' "$0"; exit 0 ;;
    *) echo "insight_push.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

bench=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$bench/.." && pwd)
data="$bench/data/insight"
[[ -n "$build_dir" ]] || build_dir="$root/build/release"
mkdir -p "$data"
log() { echo "insight_push: $(date -u +%H:%M:%S) $*" >&2; }
# shellcheck source=bench/lib.sh
source "$bench/lib.sh"
# shellcheck source=bench/sim_lib.sh
source "$bench/sim_lib.sh"
if ((build)); then
  (cd "$root" && { [[ -f build/release/build.ninja ]] || cmake --preset release >&2; } &&
    cmake --build --preset release --target assets-sim >&2)
fi
sim_binaries "$build" "$build_dir"
assets_sim="$build_dir/tools/assets_sim/assets-sim"
[[ -x $assets_sim ]] || { log "$assets_sim not found"; exit 1; }

assets_pid=""
cleanup() {
  sim_stop
  if [[ -n $assets_pid ]]; then kill "$assets_pid" 2>/dev/null || true; wait "$assets_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

count() { awk -v n="$1" -v s="$scale" 'BEGIN { printf "%d", n * s }'; }
assets=$(count 100000); qids=$(count 160000); hosts=$(count 100000)
sizes=(--seed 11 --assets "$assets" --qids "$qids" --hosts "$hosts" --detections-per-host 45)
extra_yaml=$(extra_columns_yaml "${columns[@]}")
# A selection publishes a set of its own, named by a digest of the selection.
set_dir="$data/set-$scale${extra_yaml:+-$(printf '%s' "$extra_yaml" | sha256sum | cut -c1-8)}"
sim_setup "$data"

# The published set: the four files, manifest.json and the assets' host IDs, made once per size.
if ((fresh)) || [[ ! -s $set_dir/out/manifest.json ]]; then
  log "publishing the set: qualys-sim ${sizes[*]}, then run assets kb vm"
  rm -rf "$set_dir" && mkdir -p "$set_dir/out" "$set_dir/state"
  sim_start "$sim" "${sizes[@]}" --ttfb-ms 0 --bandwidth 0
  write_config "$data/qualys.yaml" "$set_dir/out" "$set_dir/state" "  max_concurrency: 2" \
    "  assets: { schedule: \"0 1 * * *\", timeout: 50m, full_refresh: 0s }
  kb:     { schedule: \"0 2 * * *\", timeout: 50m, full_refresh: 0s, max_qid: $((10000 + 7 * qids + 7)) }
  vm:     { schedule: \"0 3 * * *\", timeout: 50m, full_refresh: 0s }" "$extra_yaml"
  /usr/bin/time -f '%e' -o "$data/publish.time" "$daemon" --config "$data/qualys.yaml" \
    run assets kb vm 2>"$data/publish.stderr" || { cat "$data/publish.stderr" >&2; exit 1; }
  sim_stop
  log "published in $(cat "$data/publish.time") s"
fi

# A copy of the state (the push records its mapping digest and import there), so that every run
# pushes into a fresh assets-sim as a first push.
rm -rf "$data/state" && cp -a "$set_dir/state" "$data/state"
token="bench-container-token"
(umask 077 && printf '%s\n' "$token" >"$data/cloud.token")
rm -f "$data/assets.port"
"$assets_sim" --port-file "$data/assets.port" --ca-out "$data/assets-ca.pem" \
  --cloud-token-file "$data/cloud.token" --cloud-rate-limit "$rate" \
  --cloud-processing-ms 1000 --max-chunk-objects "$chunk" \
  --fault "cloud:slow:$latency,times=forever" >"$data/assets-sim.log" 2>&1 &
assets_pid=$!
for _ in $(seq 400); do [[ -s $data/assets.port ]] && break; sleep 0.05; done
[[ -s $data/assets.port ]] || { log "assets-sim did not start; see $data/assets-sim.log"; exit 1; }
assets_url="https://localhost:$(cat "$data/assets.port")"

cat >"$data/config.yaml" <<YAML
# Written by bench/insight_push.sh: the insight job pushing to assets-sim on loopback.
qualys:
  api_url: https://localhost:1
  gateway_url: https://localhost:1
  credentials_file: $data/auth.conf
output:
  dir: $set_dir/out
$extra_yaml
state:
  dir: $data/state
insight:
  mode: cloud
  schedule: "0 4 * * *"
  timeout: 2h
  ca_file: $data/assets-ca.pem
  cloud:
    token_file: $data/cloud.token
    info_url: $assets_url/jsm/assets/v1/imports/info
    chunk_objects: $chunk
    max_objects: 10000000
    vulnerabilities: $vulnerabilities
YAML

control() { curl -sS --cacert "$data/assets-ca.pem" "$assets_url$1"; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%FT%TZ)
rm -f "$data/push.m"
log "run insight: latency $latency ms, rate limit $rate a minute, chunk_objects $chunk"
measure push "$daemon" --config "$data/config.yaml" run insight
control /__assets/stats >"$data/stats.json"
held=$(control /__assets/objects | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["objects"]))')
cpu_sim=$(proc_cpu "$assets_pid")
rss_sim=$(awk '/VmHWM/ { print $2 }' "/proc/$assets_pid/status")

read -r wall rss cpu <"$data/push.m"
objects=$(grep -oE 'the push holds [0-9]+ objects' "$data/push.stderr" | grep -oE '[0-9]+' | head -n 1)
holds=$(grep -oE 'the push holds [0-9]+ objects \([^)]*\)' "$data/push.stderr" | sed 's/.*(//; s/)//')
summary=$(grep -oE 'Assets Cloud execution DONE: [^;"]*' "$data/push.stderr" | head -n 1)
read -r requests data_requests rate_limited < <(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print(sum(s["requests"].values()), s["requests"].get("data", 0), s["rate_limited"])' "$data/stats.json")
families=$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["requests"]
print(", ".join(f"{k} {v}" for k, v in sorted(s.items(), key=lambda kv: -kv[1])))' "$data/stats.json")

echo
echo "Assets Cloud push at scale $scale (qualys-sim ${sizes[*]}), insight.cloud.vulnerabilities" \
  "$vulnerabilities, chunk_objects $chunk${columns[*]:+, extra columns ${columns[*]}}; assets-sim --cloud-rate-limit $rate" \
  "--fault cloud:slow:$latency,times=forever --cloud-processing-ms 1000; started $started;" \
  "$(nproc) CPUs, load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| objects pushed | requests | of which data chunks | requests per 1 000 objects | wall | objects/s | ceiling at $rate requests/min | CPU s (user+sys) | peak RSS MiB | 429s |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
echo "| $objects | $requests | $data_requests | $(awk -v r="$requests" -v o="$objects" 'BEGIN { printf "%.2f", 1000 * r / o }') |" \
  "$(awk -v w="$wall" 'BEGIN { printf "%dm%04.1fs", int(w / 60), w - 60 * int(w / 60) }') |" \
  "$(awk -v o="$objects" -v w="$wall" 'BEGIN { printf "%.0f", o / w }') |" \
  "$(awk -v r="$rate" -v c="$chunk" 'BEGIN { printf "%.0f", r / 60 * c }') |" \
  "$cpu | $(mib "$rss") | $rate_limited |"
echo
echo "The push: $holds. $summary. assets-sim holds $held objects afterwards" \
  "(its CPU $cpu_sim s, peak RSS $(mib "$rss_sim") MiB). Requests by family: $families."
