#!/usr/bin/env bash
# The whole path without a Qualys account or a Jira site: builds the daemon and the two
# simulators, starts the Qualys simulator and the Assets simulator on loopback (each with a test
# CA made now), runs `qualys-insightd run all` (assets, kb, vm, then the insight job pushing the
# published files into the Assets Cloud simulator), compares the four CSV files with the Qualys
# simulator's own expected output, and shows what Assets created. A second run finds nothing new,
# a forced one only updates, and a Data Center run starts the four imports in reference order.
# Everything lands in ./demo (or $DEMO_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target qualys-insightd qualys-sim assets-sim

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
assets_pid=""
trap 'kill "$sim_pid" $assets_pid 2>/dev/null || true' EXIT

# The Assets simulator: the Cloud external import (its container token in a 0600 file) and the
# Data Center import sources 11 to 14. On exit it writes the objects it holds to assets-objects.json.
(umask 077 && printf 'demo-container-token\n' >"$demo/cloud.token" &&
  printf 'demo-personal-access-token\n' >"$demo/jira.token")
"$bin/tools/assets_sim/assets-sim" --port-file "$demo/assets.port" --ca-out "$demo/assets-ca.pem" \
  --cloud-token-file "$demo/cloud.token" --dc-token-file "$demo/jira.token" \
  --cloud-processing-ms 200 --dc-step-ms 100 --dump-objects "$demo/assets-objects.json" \
  >"$demo/assets-sim.log" 2>&1 &
assets_pid=$!

for _ in $(seq 200); do [[ -s $demo/sim.port && -s $demo/assets.port ]] && break; sleep 0.05; done
[[ -s $demo/sim.port ]] || { echo "the simulator did not start; see $demo/simulator.log" >&2; exit 1; }
[[ -s $demo/assets.port ]] || { echo "assets-sim did not start; see $demo/assets-sim.log" >&2; exit 1; }
port=$(cat "$demo/sim.port")
assets_url="https://localhost:$(cat "$demo/assets.port")"

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
insight:
  mode: cloud
  schedule: "0 4 * * *"
  timeout: 10m
  ca_file: $demo/assets-ca.pem
  cloud:
    token_file: $demo/cloud.token
    info_url: $assets_url/jsm/assets/v1/imports/info
YAML
# The same with the Data Center import sources of the Assets simulator.
sed '/^insight:/,$d' "$demo/config.yaml" >"$demo/config-dc.yaml"
cat >>"$demo/config-dc.yaml" <<YAML
insight:
  mode: datacenter
  schedule: "0 4 * * *"
  timeout: 10m
  ca_file: $demo/assets-ca.pem
  url: $assets_url
  token_file: $demo/jira.token
  imports: { assets: 11, vulnkb: 12, cve: 13, vm: 14 }
YAML

insightd() { "$bin/daemon/qualys-insightd" "$@"; }
# What the insight job said: the set it imported, Assets' counts per object type, its summary.
# Assets' messages for failed objects are cut; the full lines are in the logs beside.
import_lines() {
  grep -E 'insight: (importing|set |nothing new|the push holds|Host:|Vulnerability:|CVE:|Detection:|import source)' "$1" |
    grep -vE 'objects failed in Assets|is running|finished: status' |
    sed -E 's/^.*insight: /  /; s/: DONE \(.*\): ([0-9]+ created)/: DONE: \1/' || true
}

echo "==> qualys-insightd check"
insightd --config "$demo/config.yaml" check
echo "==> qualys-insightd run all (assets, kb, vm, then insight: the push to Assets Cloud)"
insightd --config "$demo/config.yaml" run all 2>&1 | tee "$demo/run-all.log"

echo "==> comparing with the simulator's expected output"
"$bin/tools/qualys_sim/qualys-sim" "${sizes[@]}" --write-expected "$demo/expected" >/dev/null
for file in assets.csv vulnkb.csv cve.csv vm.csv; do
  cmp "$demo/output/$file" "$demo/expected/$file"
  echo "$demo/output/$file: $(($(wc -l <"$demo/output/$file") - 1)) rows, as expected"
done

echo "==> what Assets Cloud created"
import_lines "$demo/run-all.log"
echo "  (the failed Detections name QIDs missing from the KnowledgeBase or hosts no asset carries:"
echo "   the simulator's data has both on purpose; see $demo/run-all.log)"
echo "==> qualys-insightd run insight (again: the same files)"
insightd --config "$demo/config.yaml" run insight 2>"$demo/run-again.log"
import_lines "$demo/run-again.log"
echo "==> qualys-insightd run --force insight (the same files pushed again: updates only)"
insightd --config "$demo/config.yaml" run --force insight 2>"$demo/run-force.log"
import_lines "$demo/run-force.log"
echo "==> qualys-insightd status"
insightd --config "$demo/config.yaml" status | sed -n '/insight/,$p'

echo "==> Data Center: qualys-insightd run --force insight with config-dc.yaml"
insightd --config "$demo/config-dc.yaml" run --force insight 2>"$demo/run-dc.log"
import_lines "$demo/run-dc.log"
echo "  import sources started, in this order: $(curl -sS --cacert "$demo/assets-ca.pem" "$assets_url/__assets/dc/starts")"

# assets-sim writes the objects it holds when it stops.
kill "$assets_pid" && wait "$assets_pid" || true
assets_pid=""
echo "==> objects in the Assets simulator ($demo/assets-objects.json)"
grep -oE '"objectType": ?"[^"]*"' "$demo/assets-objects.json" | sed -E 's/.*"([^"]*)"$/\1/' |
  sort | uniq -c | sed 's/^/  /'
echo "demo complete: the CSV files are in $demo/output, what Assets holds in $demo/assets-objects.json"
