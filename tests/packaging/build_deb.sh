#!/usr/bin/env bash
# Builds the .deb from the build tree into OUT/current, then OUT/upgrade: the same package repacked
# with dpkg-deb under a higher version, for the upgrade and conffile tests (repacking is much faster
# than a second cpack run with a large sanitizer build, and dpkg-deb --build checks the package).
# usage: build_deb.sh CPACK CPACK_CONFIG OUT VERSION
source "$(dirname "$0")/lib.sh"
cpack=$1 config=$2 out=$3 version=$4

[[ -f $config ]] || fail "$config is missing (is packaging/packaging.cmake included?)"
rm -rf "$out"
mkdir -p "$out/current" "$out/upgrade"

build() {
  local dir=$1
  shift
  if ! "$cpack" --config "$config" -G DEB -B "$dir" "$@" >"$dir/cpack.log" 2>&1; then
    cat "$dir/cpack.log" >&2
    fail "cpack $* failed"
  fi
  rm -rf "$dir/_CPack_Packages"
  echo "built $(deb_in "$dir")"
}

build "$out/current"

need dpkg-deb
current=$(deb_in "$out/current")
tree=$out/upgrade/tree
dpkg-deb --raw-extract "$current" "$tree"
old_version=$(dpkg-deb -f "$current" Version)
# Debian orders 0.1.0-1 < 0.1.0+upgrade1-1, so dpkg treats this as an upgrade.
new_version="${version}+upgrade1-${old_version##*-}"
sed -i "s/^Version: .*/Version: $new_version/" "$tree/DEBIAN/control"
dpkg-deb --root-owner-group -Zgzip -z1 --build "$tree" \
  "$out/upgrade/qualys-insight_${new_version}_$(dpkg-deb -f "$current" Architecture).deb" >/dev/null ||
  fail "dpkg-deb --build of the upgrade failed"
rm -rf "$tree"
echo "built $(deb_in "$out/upgrade")"
