#!/usr/bin/env bash
# Black-box check of the qualys-sim executable: starts it with a legacy auth.conf, waits for the
# port file, logs in with curl over verified TLS, adds a fault through the control endpoint,
# reads the stats, mutates the data and writes the oracle of the new generation, and stops it with
# SIGTERM (exit 0).
set -euo pipefail
sim=$1
dir=$(mktemp -d)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

printf 'smoke-user S3cr&t=pass\n' >"$dir/auth.conf"
"$sim" --port-file "$dir/port" --ca-out "$dir/ca.pem" --credentials-file "$dir/auth.conf" \
  --assets 7 >"$dir/log" 2>&1 &
pid=$!
for _ in $(seq 200); do [[ -s $dir/port ]] && break; sleep 0.05; done
port=$(cat "$dir/port")
base="https://localhost:$port"

if ps -o args= -p "$pid" | grep -q 'S3cr'; then echo "password on argv" >&2; exit 1; fi
token=$(curl -sf --cacert "$dir/ca.pem" "$base/auth" \
  --data-urlencode username=smoke-user --data-urlencode 'password=S3cr&t=pass' -d token=true)
[[ $token == *.*.* ]] || { echo "no JWT: $token" >&2; exit 1; }
count=$(curl -sf --cacert "$dir/ca.pem" -X POST -H "Authorization: Bearer $token" "$base/rest/2.0/count/am/asset")
[[ $count == *'"count":7'* ]] || { echo "bad count: $count" >&2; exit 1; }
curl -sf --cacert "$dir/ca.pem" -X POST --data-binary $'count:status:503\n' "$base/__sim/faults" >/dev/null
status=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$dir/ca.pem" -X POST \
  -H "Authorization: Bearer $token" "$base/rest/2.0/count/am/asset")
[[ $status == 503 ]] || { echo "fault did not fire: $status" >&2; exit 1; }
stats=$(curl -sf --cacert "$dir/ca.pem" "$base/__sim/stats")
[[ $stats == *'"gateway_logins_ok":1'* ]] || { echo "bad stats: $stats" >&2; exit 1; }

# A generation step on 7 assets adds one (below 10 records nothing is removed).
step=$(curl -sf --cacert "$dir/ca.pem" -X POST "$base/__sim/mutate")
[[ $step == '{"generation":1,"time":"'*'Z"}' ]] || { echo "bad mutate answer: $step" >&2; exit 1; }
count=$(curl -sf --cacert "$dir/ca.pem" -X POST -H "Authorization: Bearer $token" "$base/rest/2.0/count/am/asset")
[[ $count == *'"count":8'* ]] || { echo "bad count after mutate: $count" >&2; exit 1; }
curl -sf --cacert "$dir/ca.pem" -X POST "$base/__sim/write-expected?dir=$dir/expected" >/dev/null
rows=$(wc -l <"$dir/expected/assets.csv")
[[ $rows == 9 ]] || { echo "oracle of generation 1 has $rows assets.csv lines" >&2; exit 1; }

kill -TERM "$pid"
wait "$pid"
pid=
echo "qualys-sim smoke test passed"
