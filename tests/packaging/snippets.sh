#!/usr/bin/env bash
# The sysusers.d and tmpfiles.d snippets (for installs without the .deb) work: applied to a scratch
# root with a copy of this machine's account databases, they create the account and give the
# directories the owners and modes the .deb's postinst gives them.
# usage: snippets.sh PACKAGING_SOURCE_DIR
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || skip "needs root to chown in the scratch root"
need systemd-sysusers
need systemd-tmpfiles
src=$1

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/etc/qualys-insight" "$root/usr/lib/sysusers.d" "$root/usr/lib/tmpfiles.d"
for db in passwd group shadow gshadow; do
  if [[ -f /etc/$db ]]; then cp "/etc/$db" "$root/etc/$db"; fi
done
# Without the machine's own account (a previous test run may have left it), sysusers must create it.
sed -i '/^qualys-insight:/d' "$root/etc/passwd" "$root/etc/group"
cp "$src/systemd/qualys-insight.sysusers" "$root/usr/lib/sysusers.d/qualys-insight.conf"
cp "$src/systemd/qualys-insight.tmpfiles" "$root/usr/lib/tmpfiles.d/qualys-insight.conf"

systemd-sysusers --root="$root" || fail "systemd-sysusers failed"
entry=$(grep '^qualys-insight:' "$root/etc/passwd") || fail "sysusers created no account"
IFS=: read -r _ _ uid gid _ home shell <<<"$entry"
[[ $home == /var/lib/qualys-insight && $shell == */nologin ]] || fail "account is '$entry'"
grep -q "^qualys-insight:x:$gid:" "$root/etc/group" || fail "sysusers created no group $gid"

systemd-tmpfiles --create --root="$root" qualys-insight.conf || fail "systemd-tmpfiles failed"
expect() {
  local got
  got=$(stat -c '%a %u %g' "$root$2")
  [[ $got == "$1" ]] || fail "$2 is '$got', expected '$1'"
}
expect "750 $uid $gid" /var/lib/qualys-insight
expect "755 $uid $gid" /opt/qualys/output
expect "750 0 $gid" /etc/qualys-insight
echo "OK"
