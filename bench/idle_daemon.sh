#!/usr/bin/env bash
# Idle daemon: what `qualys-insightd` (the scheduler daemon, in the foreground) costs while it
# waits. Starts qualys-sim (a small dataset), then the daemon with a configuration whose three
# schedules fire once, two minutes from now (a cron of that minute, hour, day and month: next
# year is the next firing), with the systemd watchdog on as in systemd/qualys-insight.service
# (WatchdogSec=5min: a ping every 2.5 min) and a notify socket of our own that counts the
# messages. Reports, from /proc/PID/status and /proc/PID/stat (all threads):
#  - VmRSS and VmHWM after start, and after the full cycle (the three jobs);
#  - CPU seconds (utime + stime) and wakeups (voluntary context switches of every thread) over
#    the idle period that follows, and the sd_notify messages sent in it.
# Expected wakeups: the scheduler's re-check of the wall clock once a minute and the watchdog.
#
# usage: bench/idle_daemon.sh [--idle SECONDS] [--strace] [--build-dir DIR] [--no-build]
#   --idle S     length of the idle period (default 600; IDLE_SECONDS in the environment too)
#   --strace     also attach strace for the idle period and list the syscalls (who wakes up)
set -euo pipefail

idle=${IDLE_SECONDS:-600}
use_strace=0
build=1
build_dir=""
while (($#)); do
  case "$1" in
    --idle) idle=$2; shift 2 ;;
    --strace) use_strace=1; shift ;;
    --build-dir) build_dir=$(realpath "$2"); build=0; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "idle_daemon.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

bench=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$bench/.." && pwd)
data="$bench/data/idle"
((use_strace)) && data="$bench/data/idle-strace"  # so both can run at once
[[ -n "$build_dir" ]] || build_dir="$root/build/release"
log() { echo "idle_daemon: $(date -u +%H:%M:%S) $*" >&2; }
# shellcheck source=bench/sim_lib.sh
source "$bench/sim_lib.sh"
sim_binaries "$build" "$build_dir"

rm -rf "$data" && mkdir -p "$data/out" "$data/state"
daemon_pid="" notify_pid="" strace_pid=""
cleanup() {
  for pid in $strace_pid $daemon_pid $notify_pid; do kill "$pid" 2>/dev/null || true; done
  sim_stop
}
trap cleanup EXIT

sim_setup "$data"
sim_start "$sim" --seed 5 --assets 3000 --qids 4000 --hosts 1000 --detections-per-host 30

# The firing: two minutes from now, in UTC, once (day and month fixed).
read -r minute hour day month < <(date -u -d '+2 min' '+%-M %-H %-d %-m')
schedule="$minute $hour $day $month *"
write_config "$data/config.yaml" "$data/out" "$data/state" "" \
  "  assets: { schedule: \"$schedule\", time_zone: UTC, timeout: 10m }
  kb:     { schedule: \"$schedule\", time_zone: UTC, timeout: 10m, window_size: 10000, max_qid: 40000 }
  vm:     { schedule: \"$schedule\", time_zone: UTC, timeout: 10m }"

# A notify socket of our own, as systemd would give (NOTIFY_SOCKET): one line per message.
python3 - "$data/notify.sock" "$data/notify.log" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        message = s.recv(65536).decode("utf-8", "replace").replace("\n", " | ")
        out.write("%.3f %s\n" % (time.time(), message))
PY
notify_pid=$!
for _ in $(seq 100); do [[ -S $data/notify.sock ]] && break; sleep 0.05; done

# WATCHDOG_PID must be the daemon's own pid: exec from a shell that exports its $$.
NOTIFY_SOCKET="$data/notify.sock" WATCHDOG_USEC=300000000 bash -c \
  'export WATCHDOG_PID=$$; exec "$0" --config "$1"' "$daemon" "$data/config.yaml" \
  >"$data/daemon.log" 2>&1 &
daemon_pid=$!

status_kib() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$daemon_pid/status"; }
wakeups() {  # voluntary context switches summed over the daemon's threads
  cat /proc/"$daemon_pid"/task/*/status | awk '$1 == "voluntary_ctxt_switches:" { s += $2 } END { print s }'
}
threads() { ls /proc/"$daemon_pid"/task | wc -l; }

for _ in $(seq 200); do grep -q "started with" "$data/daemon.log" && break; sleep 0.05; done
grep -q "started with" "$data/daemon.log" || { log "the daemon did not start:"; cat "$data/daemon.log" >&2; exit 1; }
sleep 2
rss_start=$(status_kib VmRSS); hwm_start=$(status_kib VmHWM); threads_start=$(threads)
log "daemon $daemon_pid started (VmRSS $rss_start KiB); the jobs fire at $(printf '%02d:%02d' "$hour" "$minute") UTC"

deadline=$((SECONDS + 600))
while (($(grep -c "run .* succeeded" "$data/daemon.log" || true) < 3)); do
  if grep -q "run .* failed" "$data/daemon.log" || ((SECONDS > deadline)); then
    log "the cycle did not complete:"; cat "$data/daemon.log" >&2; exit 1
  fi
  kill -0 "$daemon_pid" 2>/dev/null || { log "the daemon exited:"; cat "$data/daemon.log" >&2; exit 1; }
  sleep 1
done
sleep 2
rss_cycle=$(status_kib VmRSS); hwm_cycle=$(status_kib VmHWM); threads_cycle=$(threads)
log "cycle complete (VmRSS $rss_cycle KiB, VmHWM $hwm_cycle KiB); idle for $idle s"

if ((use_strace)); then
  strace -f -tt -p "$daemon_pid" -o "$data/idle.strace" 2>/dev/null &
  strace_pid=$!
  sleep 1
fi
cpu0=$(proc_cpu "$daemon_pid"); wake0=$(wakeups); notify0=$(wc -l <"$data/notify.log"); t0=$(date +%s.%N)
sleep "$idle"
cpu1=$(proc_cpu "$daemon_pid"); wake1=$(wakeups); notify1=$(wc -l <"$data/notify.log"); t1=$(date +%s.%N)
rss_idle=$(status_kib VmRSS)
if ((use_strace)); then kill "$strace_pid" 2>/dev/null || true; wait "$strace_pid" 2>/dev/null || true; strace_pid=""; fi
kill -TERM "$daemon_pid"
wait "$daemon_pid" 2>/dev/null || true
daemon_pid=""

seconds=$(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.0f", a - b }')
watchdog=$(sed -n "$((notify0 + 1)),${notify1}p" "$data/notify.log" | grep -c "WATCHDOG=1" || true)
echo
echo "Idle daemon: $(nproc) CPUs, $(date -u +%FT%TZ), jobs fired at $(printf '%02d:%02d' "$hour" "$minute") UTC" \
  "(qualys-sim: 3 000 assets, 4 000 QIDs, 1 000 hosts x 30), WATCHDOG_USEC=300000000"
echo
echo "| when | VmRSS MiB | VmHWM MiB | threads |"
echo "|---|---:|---:|---:|"
echo "| after start | $(awk -v k="$rss_start" 'BEGIN{printf "%.1f", k/1024}') | $(awk -v k="$hwm_start" 'BEGIN{printf "%.1f", k/1024}') | $threads_start |"
echo "| after the full cycle (assets, kb, vm) | $(awk -v k="$rss_cycle" 'BEGIN{printf "%.1f", k/1024}') | $(awk -v k="$hwm_cycle" 'BEGIN{printf "%.1f", k/1024}') | $threads_cycle |"
echo "| after $seconds s idle | $(awk -v k="$rss_idle" 'BEGIN{printf "%.1f", k/1024}') | | |"
echo
echo "| over $seconds s idle | observed | per minute |"
echo "|---|---:|---:|"
echo "| CPU s (utime + stime, all threads) | $(awk -v a="$cpu1" -v b="$cpu0" 'BEGIN{printf "%.2f", a-b}') | $(awk -v a="$cpu1" -v b="$cpu0" -v s="$seconds" 'BEGIN{printf "%.4f", (a-b)*60/s}') |"
echo "| wakeups (voluntary context switches, all threads) | $((wake1 - wake0)) | $(awk -v w="$((wake1 - wake0))" -v s="$seconds" 'BEGIN{printf "%.1f", w*60/s}') |"
echo "| sd_notify messages (of which WATCHDOG=1) | $((notify1 - notify0)) ($watchdog) | |"
if ((use_strace)); then
  echo
  echo "Syscalls during the idle period (strace -f; it adds its own wakeups to the counts above):"
  echo
  echo '```'
  awk '{ $1 = ""; $2 = ""; sub(/^  /, ""); sub(/\(.*/, ""); print }' "$data/idle.strace" | sort | uniq -c | sort -rn | head -15
  echo '```'
fi
