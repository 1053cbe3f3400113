#!/usr/bin/env bash
# Black-box check of the assets-sim executable: starts it with its secrets in files, waits for
# the port file, starts a DC import with curl over verified TLS, discovers the Cloud links, adds a
# fault through the control endpoint, and stops it with SIGTERM (exit 0, objects dumped).
set -euo pipefail
sim=$1
dir=$(mktemp -d)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

printf 'smoke-pat\n' >"$dir/pat"
printf 'smoke-container-token\n' >"$dir/container"
"$sim" --port-file "$dir/port" --ca-out "$dir/ca.pem" --dc-token-file "$dir/pat" \
  --cloud-token-file "$dir/container" --dc-import 21:5 --dump-objects "$dir/objects.json" \
  >"$dir/log" 2>&1 &
pid=$!
for _ in $(seq 200); do [[ -s $dir/port ]] && break; sleep 0.05; done
port=$(cat "$dir/port")
base="https://localhost:$port"
curl_() { curl -s --cacert "$dir/ca.pem" "$@"; }

if ps -o args= -p "$pid" | grep -q 'smoke-pat'; then echo "token on argv" >&2; exit 1; fi
start=$(curl_ -X POST -H 'Authorization: Bearer smoke-pat' -H 'X-Atlassian-Token: no-check' \
  "$base/rest/assets/1.0/import/start/21")
[[ $start == *'"status":"IN_PROGRESS"'* ]] || { echo "bad start: $start" >&2; exit 1; }
info=$(curl_ -H 'Authorization: Bearer smoke-container-token' "$base/jsm/assets/v1/imports/info")
[[ $info == *"\"getStatus\":\"$base/jsm/assets/workspace/"*'/configstatus"'* ]] ||
  { echo "bad info: $info" >&2; exit 1; }
curl_ -X POST --data-binary $'info:status:503\n' "$base/__assets/faults" >/dev/null
status=$(curl_ -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer smoke-container-token' \
  "$base/jsm/assets/v1/imports/info")
[[ $status == 503 ]] || { echo "fault did not fire: $status" >&2; exit 1; }
starts=$(curl_ "$base/__assets/dc/starts")
[[ $starts == '[21]' ]] || { echo "bad starts: $starts" >&2; exit 1; }

kill -TERM "$pid"
wait "$pid"
pid=
[[ $(cat "$dir/objects.json") == '{"objects":[]}' ]] || { echo "bad dump" >&2; exit 1; }
echo "assets-sim smoke test passed"
