#!/usr/bin/env bash
# Publish step: what `qualys-insightd run vm` reads after writing vm.csv (the manifest's SHA-256
# and the reference checks), for one or more daemon binaries on the same data. Runs kb once
# (the checks need vulnkb.csv), then `run vm` with each binary on a copy of that state, under
# strace (bytes read(2)/pread64(2) from vm.csv and its temp file, from the unnamed window
# segments, and from other files: the start-up manifest repair hashes the kb files again because
# their copies are new inodes, the same for every binary) and again without it (wall and CPU time; the last log
# line's time minus that of "vm: published"). Socket reads are not counted (TLS uses recvmsg).
#
# usage: bench/publish_step.sh [--hosts N] [--sim PATH] [--keep] DAEMON...
#   --hosts N   detection hosts (200 detections each; default 10000, a tenth of the full size)
#   --sim PATH  qualys-sim (default build/release/tools/qualys_sim/qualys-sim)
set -euo pipefail

hosts=10000
keep=0
sim=""
while (($#)); do
  case "$1" in
    --hosts) hosts=$2; shift 2 ;;
    --sim) sim=$(realpath "$2"); shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
(($#)) || { echo "usage: bench/publish_step.sh [--hosts N] DAEMON..." >&2; exit 2; }

bench=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$bench/.." && pwd)
data="$bench/data/publish_step"
log() { echo "publish_step: $(date -u +%H:%M:%S) $*" >&2; }
# shellcheck source=bench/lib.sh
source "$bench/lib.sh"
# shellcheck source=bench/sim_lib.sh
source "$bench/sim_lib.sh"
require_tools strace
[[ -n $sim ]] || sim="$root/build/release/tools/qualys_sim/qualys-sim"
cleanup() {
  sim_stop
  ((keep)) || rm -rf "$data/out" "$data/state" "$data/run"
}
trap cleanup EXIT

rm -rf "$data" && mkdir -p "$data/out" "$data/state"
sim_setup "$data"
qids=$((hosts * 16 / 10))
sim_start "$sim" --seed 11 --assets 100 --qids "$qids" --hosts "$hosts" --detections-per-host 200
max_qid=$((10000 + 7 * qids + 7))
jobs_yaml="  kb: { schedule: \"0 2 * * *\", timeout: 50m, max_qid: $max_qid }
  vm: { schedule: \"0 3 * * *\", timeout: 50m }"
write_config "$data/config.yaml" "$data/out" "$data/state" "  max_concurrency: 2" "$jobs_yaml"
log "run kb"
"$1" --config "$data/config.yaml" run kb 2>"$data/kb.stderr" >/dev/null

# seconds SINCE-PATTERN FILE: the last log line's time minus that of the first line matching.
seconds() {
  python3 - "$1" "$2" <<'PY'
import re, sys, datetime
stamps = []
for line in open(sys.argv[2], errors="replace"):
    m = re.search(r"(\d\d):(\d\d):(\d\d)\.(\d+)", line)
    if m:
        t = int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3]) + float("0." + m[4])
        stamps.append((t, sys.argv[1] in line))
start = next(t for t, hit in stamps if hit)
print(f"{stamps[-1][0] - start:.2f}")
PY
}

echo "| binary | vm.csv bytes | read from vm.csv | read from segments | read from other files | wall s | CPU s | publish step s |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for daemon in "$@"; do
  for pass in traced timed; do
    rm -rf "$data/run" && mkdir -p "$data/run"
    cp -a "$data/out" "$data/run/out" && cp -a "$data/state" "$data/run/state"
    write_config "$data/run/config.yaml" "$data/run/out" "$data/run/state" "  max_concurrency: 2" \
      "$jobs_yaml"
    if [[ $pass == traced ]]; then
      strace -f -qq -y -e trace=read,pread64 -e signal=none -o "$data/trace" \
        "$daemon" --config "$data/run/config.yaml" run vm 2>"$data/vm.stderr" >/dev/null
      read -r out_bytes segment_bytes file_bytes < <(awk -v out="$data/run/out/" '
        match($0, /= [0-9]+$/) {
          n = substr($0, RSTART + 2) + 0
          if (index($0, ">(deleted)")) s += n
          else if (index($0, "<" out "vm.csv>") || index($0, "<" out ".vm.csv.tmp-")) o += n
          else f += n
        }
        END { printf "%d %d %d\n", o, s, f }' "$data/trace")
    else
      /usr/bin/time -f '%e %U %S' -o "$data/time.out" \
        "$daemon" --config "$data/run/config.yaml" run vm 2>"$data/vm.stderr" >/dev/null
      read -r wall user sys <"$data/time.out"
      publish=$(seconds "vm: published" "$data/vm.stderr")
    fi
  done
  echo "| $daemon | $(stat -c %s "$data/run/out/vm.csv") | $out_bytes | $segment_bytes | $file_bytes |" \
    "$wall | $(awk -v a="$user" -v b="$sys" 'BEGIN { printf "%.2f", a + b }') | $publish |"
done
