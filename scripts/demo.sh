#!/usr/bin/env bash
# The main job end to end, without a Qualys account: builds the daemon and the Qualys simulator,
# starts the simulator on loopback with a test CA made now, runs `qualys-insightd run all`
# against it, and compares the four CSV files with the simulator's own expected output.
# Everything lands in ./demo (or $DEMO_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target qualys-insightd qualys-sim

bin=${QI_BUILD_DIR:-$PWD/build/release}
demo=${DEMO_DIR:-$PWD/demo}
rm -rf "$demo"
mkdir -p "$demo/output" "$demo/state" "$demo/expected"

# A password with the characters that break naive encoders; it never appears on a command line.
password='Demo&P@ss+w%rd=!~^$/:'
(umask 077 && printf '%s\n' "$password" >"$demo/sim-password" &&
  printf 'demo-user %s localhost\n' "$password" >"$demo/auth.conf")

sizes=(--seed 2026 --assets 2500 --qids 3000 --hosts 1200 --detections-per-host 25)
"$bin/tools/qualys_sim/qualys-sim" --port-file "$demo/sim.port" --ca-out "$demo/ca.pem" \
  --username demo-user --password-file "$demo/sim-password" "${sizes[@]}" \
  >"$demo/simulator.log" 2>&1 &
sim_pid=$!
trap 'kill "$sim_pid" 2>/dev/null || true' EXIT
for _ in $(seq 200); do [[ -s $demo/sim.port ]] && break; sleep 0.05; done
[[ -s $demo/sim.port ]] || { echo "the simulator did not start; see $demo/simulator.log" >&2; exit 1; }
port=$(cat "$demo/sim.port")

cat >"$demo/config.yaml" <<YAML
# Demo configuration: the built-in Qualys simulator on loopback.
qualys:
  api_url: https://localhost:$port
  gateway_url: https://localhost:$port
  credentials_file: $demo/auth.conf
  ca_file: $demo/ca.pem
output:
  dir: $demo/output
state:
  dir: $demo/state
jobs:
  assets: { schedule: "0 1 * * *", timeout: 10m, page_size: 300 }
  kb:     { schedule: "0 2 * * *", timeout: 10m, window_size: 10000, max_qid: 40000 }
  vm:     { schedule: "0 3 * * *", timeout: 10m, truncation_limit: 250 }
YAML

echo "==> qualys-insightd check"
"$bin/daemon/qualys-insightd" --config "$demo/config.yaml" check
echo "==> qualys-insightd run all"
"$bin/daemon/qualys-insightd" --config "$demo/config.yaml" run all

echo "==> comparing with the simulator's expected output"
"$bin/tools/qualys_sim/qualys-sim" "${sizes[@]}" --write-expected "$demo/expected" >/dev/null
for file in assets.csv vulnkb.csv cve.csv vm.csv; do
  cmp "$demo/output/$file" "$demo/expected/$file"
  echo "$demo/output/$file: $(($(wc -l <"$demo/output/$file") - 1)) rows, as expected"
done
echo "demo complete: the CSV files Insight would import are in $demo/output"
