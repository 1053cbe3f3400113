#!/usr/bin/env bash
# A plain `cmake --install` (into a DESTDIR) puts every file where packaging/packaging.cmake says,
# points the unit's ExecStart= at the prefix actually used, and never overwrites an existing
# (edited) /etc/qualys-insight/config.yaml on a second install.
# usage: cmake_install.sh CMAKE BUILD_DIR
source "$(dirname "$0")/lib.sh"
cmake=$1 build=$2

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
install_to() {
  if ! DESTDIR=$dest "$cmake" --install "$build" --prefix /opt/qi-prefix >"$dest.log" 2>&1; then
    cat "$dest.log" >&2
    rm -f "$dest.log"
    fail "cmake --install failed"
  fi
  cat "$dest.log"
  rm -f "$dest.log"
}
install_to

for file in opt/qi-prefix/sbin/qualys-insightd \
            opt/qi-prefix/lib/systemd/system/qualys-insight.service \
            opt/qi-prefix/lib/systemd/system/qualys-insight@.service \
            opt/qi-prefix/lib/sysusers.d/qualys-insight.conf \
            opt/qi-prefix/lib/tmpfiles.d/qualys-insight.conf \
            opt/qi-prefix/share/doc/qualys-insight/README.md \
            opt/qi-prefix/share/doc/qualys-insight/examples/config.yaml \
            etc/qualys-insight/config.yaml; do
  [[ -f $dest/$file ]] || fail "/$file was not installed"
done
[[ -x $dest/opt/qi-prefix/sbin/qualys-insightd ]] || fail "the binary is not executable"
grep -q '^ExecStart=/opt/qi-prefix/sbin/qualys-insightd --config /etc/qualys-insight/config.yaml' \
  "$dest/opt/qi-prefix/lib/systemd/system/qualys-insight.service" ||
  fail "the installed unit does not start /opt/qi-prefix/sbin/qualys-insightd"
grep -q '^ExecStart=/opt/qi-prefix/sbin/qualys-insightd --config /etc/qualys-insight/%i.yaml' \
  "$dest/opt/qi-prefix/lib/systemd/system/qualys-insight@.service" ||
  fail "the installed template unit does not start /opt/qi-prefix/sbin/qualys-insightd"

marker="# edited by the packaging test $$"
printf '\n%s\n' "$marker" >>"$dest/etc/qualys-insight/config.yaml"
out=$(install_to)
grep -qxF "$marker" "$dest/etc/qualys-insight/config.yaml" || fail "a second install overwrote the config"
grep -q 'Keeping the existing' <<<"$out" || fail "the second install did not say it kept the config"
echo "OK"
