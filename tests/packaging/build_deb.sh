#!/usr/bin/env bash
# Builds the .deb twice from the build tree: OUT/current (the project version) and OUT/upgrade
# (a higher version of the same files, for the upgrade and conffile tests).
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
# Debian orders 0.1.0 < 0.1.0+upgrade1, so dpkg treats this as an upgrade.
build "$out/upgrade" -R "${version}+upgrade1"
