# Helpers for the benchmarks that run the daemon against qualys-sim (online_pull.sh,
# scale_run.sh, idle_daemon.sh). Sourced; expects log(). Started like scripts/demo.sh does it:
# a test CA made now, credentials in 0600 files (never on a command line), the port in a file.

# sim_binaries BUILD BUILD_DIR: with BUILD 1, builds qualys-insightd and qualys-sim with the
# release preset first; sets daemon and sim to the binaries in BUILD_DIR (exits if missing).
sim_binaries() {
  if (($1)); then
    log "building the release binaries"
    (cd "$root" && { [[ -f build/release/build.ninja ]] || cmake --preset release >&2; } &&
      cmake --build --preset release --target qualys-insightd qualys-sim >&2)
  fi
  daemon="$2/daemon/qualys-insightd"
  sim="$2/tools/qualys_sim/qualys-sim"
  [[ -x $daemon && -x $sim ]] || { log "$daemon or $sim not found"; exit 1; }
}

# sim_setup DIR: credentials for the daemon (auth.conf) and the simulator (sim-password).
sim_setup() {
  sim_dir=$1
  mkdir -p "$sim_dir"
  # A password with the characters that break naive encoders, as in scripts/demo.sh.
  sim_password='Bench&P@ss+w%rd=!~^$/:'
  (umask 077 && printf '%s\n' "$sim_password" >"$sim_dir/sim-password" &&
    printf 'bench-user %s localhost\n' "$sim_password" >"$sim_dir/auth.conf")
}

# sim_start SIM_BINARY ARGS...: starts qualys-sim in the background (sizes, latency, ... in
# ARGS); sets sim_pid and sim_port. Its stderr goes to $sim_dir/simulator.log.
sim_start() {
  local binary=$1; shift
  rm -f "$sim_dir/sim.port"
  "$binary" --port-file "$sim_dir/sim.port" --ca-out "$sim_dir/ca.pem" --username bench-user \
    --password-file "$sim_dir/sim-password" "$@" >>"$sim_dir/simulator.log" 2>&1 &
  sim_pid=$!
  local _
  for _ in $(seq 400); do [[ -s $sim_dir/sim.port ]] && break; sleep 0.05; done
  [[ -s $sim_dir/sim.port ]] || { log "the simulator did not start; see $sim_dir/simulator.log"; exit 1; }
  sim_port=$(cat "$sim_dir/sim.port")
}

sim_stop() {
  if [[ -n ${sim_pid:-} ]]; then
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
    sim_pid=""
  fi
}

# sim_cpu: user + system CPU seconds the simulator has used so far (from /proc/PID/stat).
sim_cpu() { proc_cpu "$sim_pid"; }

# proc_cpu PID: utime + stime of a process in seconds (fields 14 and 15 of /proc/PID/stat,
# counted after the parenthesised command name, which may contain spaces).
proc_cpu() {
  local stat
  stat=$(cat "/proc/$1/stat") || { echo 0; return; }
  stat=${stat##*) }
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($12 + $13) / hz }' <<<"$stat"
}

# extra_columns_yaml SPEC...: the output.extra_columns lines (indented under output:) for the
# --columns specs FILE=NAME|NAME; nothing for none.
extra_columns_yaml() {
  (($#)) || return 0
  echo "  extra_columns:"
  local spec
  for spec in "$@"; do
    awk -v f="${spec%%=*}" -v s="${spec#*=}" 'BEGIN { n = split(s, a, "|"); printf "    %s: [", f
      for (i = 1; i <= n; i++) printf "%s\"%s\"", (i > 1 ? ", " : ""), a[i]; print "]" }'
  done
}

# write_config FILE OUTPUT_DIR STATE_DIR QUALYS_EXTRA JOBS_YAML [OUTPUT_EXTRA]: a daemon
# configuration for the simulator. QUALYS_EXTRA is YAML lines indented under qualys:, JOBS_YAML
# the jobs: section body, OUTPUT_EXTRA more lines under output: (after dir).
write_config() {
  cat >"$1" <<YAML
# Written by bench/$(basename "$0"): the daemon against qualys-sim on loopback.
qualys:
  api_url: https://localhost:$sim_port
  gateway_url: https://localhost:$sim_port
  credentials_file: $sim_dir/auth.conf
  ca_file: $sim_dir/ca.pem
$4
output:
  dir: $2
${6:-}
state:
  dir: $3
jobs:
$5
YAML
}
