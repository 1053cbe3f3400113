#!/usr/bin/env bash
# `systemd-analyze security --offline=true`: the unit's overall exposure stays at or below MAX
# (0.0 is fully locked down, 10.0 is fully exposed; "OK" starts below 4.0). A template unit
# (name@.service) is scored as its instance INSTANCE.
# usage: unit_security.sh UNIT MAX [INSTANCE]
source "$(dirname "$0")/lib.sh"
need systemd-analyze
unit=$1 max=$2 instance=${3:-}

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
name=$(basename "$unit")
cp "$unit" "$dir/$name"
if [[ -n $instance ]]; then
  [[ $name == *@.service ]] || fail "$name is not a template unit, it has no instances"
  name=${name/@./@$instance.}
fi

out=$(systemd-analyze security --offline=true "$dir/$name" 2>&1) || fail "systemd-analyze security failed: $out"
line=$(grep -E "Overall exposure level for ${name//./\\.}: [0-9]+\.[0-9]+" <<<"$out") ||
  fail "no overall exposure level in: $out"
level=$(sed -E 's/.*\.service: ([0-9]+\.[0-9]+).*/\1/' <<<"$line")
echo "$name: exposure $level (at most $max)"
if ! awk -v level="$level" -v max="$max" 'BEGIN { exit !(level <= max) }'; then
  grep -E '^✗' <<<"$out" >&2 || true
  fail "exposure $level is above $max"
fi
echo "OK"
