#!/usr/bin/env bash
# Unpacks the .deb into a scratch root (no root, no maintainer scripts) and runs the binary from it:
# --version, then `check` on a config whose paths are all in a temp dir, and on the packaged
# example config once its paths are moved there too.
# usage: deb_extract_runs.sh DEB_DIR PROJECT_VERSION
source "$(dirname "$0")/lib.sh"
need dpkg-deb
deb=$(deb_in "$1/current")
version=$2

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root/fs"
binary=$root/fs/usr/sbin/qualys-insightd

out=$("$binary" --version)
[[ $out == "qualys-insightd $version" ]] || fail "--version printed '$out'"

write_test_config "$root/work"
run_check "$binary" "$root/work/config.yaml"

rewrite_example_config "$root/fs/etc/qualys-insight/config.yaml" "$root/work"
run_check "$binary" "$root/work/example.yaml"
echo "OK"
