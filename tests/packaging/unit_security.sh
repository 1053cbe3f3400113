#!/usr/bin/env bash
# `systemd-analyze security --offline=true`: the unit's overall exposure stays at or below MAX
# (0.0 is fully locked down, 10.0 is fully exposed; "OK" starts below 4.0).
# usage: unit_security.sh UNIT MAX
source "$(dirname "$0")/lib.sh"
need systemd-analyze
unit=$1 max=$2

out=$(systemd-analyze security --offline=true "$unit" 2>&1) || fail "systemd-analyze security failed: $out"
line=$(grep -E 'Overall exposure level for qualys-insight\.service: [0-9]+\.[0-9]+' <<<"$out") ||
  fail "no overall exposure level in: $out"
level=$(sed -E 's/.*qualys-insight\.service: ([0-9]+\.[0-9]+).*/\1/' <<<"$line")
echo "exposure $level (at most $max)"
if ! awk -v level="$level" -v max="$max" 'BEGIN { exit !(level <= max) }'; then
  grep -E '^✗' <<<"$out" >&2 || true
  fail "exposure $level is above $max"
fi
echo "OK"
