#!/usr/bin/env bash
# `systemd-analyze verify` on the unit. verify insists that ExecStart= is executable, so it checks a
# copy whose ExecStart= names the built binary (deb_install.sh also verifies the installed unit).
# A template unit (name@.service) is verified as its instance INSTANCE, as systemd would load it.
# usage: unit_verify.sh UNIT BUILT_BINARY [INSTANCE]
source "$(dirname "$0")/lib.sh"
need systemd-analyze
unit=$1 binary=$2 instance=${3:-}
[[ -x $binary ]] || fail "$binary is not built"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
name=$(basename "$unit")
grep -q '^ExecStart=/usr/sbin/qualys-insightd ' "$unit" || fail "$unit does not start /usr/sbin/qualys-insightd"
sed "s#^ExecStart=/usr/sbin/qualys-insightd #ExecStart=$binary #" "$unit" >"$dir/$name"
if [[ -n $instance ]]; then
  [[ $name == *@.service ]] || fail "$name is not a template unit, it has no instances"
  name=${name/@./@$instance.}
fi

rc=0
out=$(systemd-analyze verify "$dir/$name" 2>&1) || rc=$?
echo "$out"
[[ $rc -eq 0 ]] || fail "systemd-analyze verify $name exited $rc"
# Other units on the machine may draw warnings of their own; ours must draw none.
! grep -q 'qualys-insight' <<<"$out" || fail "systemd-analyze verify warned about $name"
echo "OK: $name"
