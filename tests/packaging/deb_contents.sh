#!/usr/bin/env bash
# Inspects the .deb with dpkg-deb: control fields, conffiles, maintainer scripts and the file list.
# usage: deb_contents.sh DEB_DIR EXPECTED_VERSION SOURCE_DIR
source "$(dirname "$0")/lib.sh"
need dpkg-deb
deb=$(deb_in "$1/current")
version=$2 source_dir=$3

field() { dpkg-deb -f "$deb" "$1"; }

[[ $(field Package) == qualys-insight ]] || fail "Package is '$(field Package)'"
[[ $(field Version) == "$version" ]] || fail "Version is '$(field Version)', expected '$version'"
[[ -n $(field Maintainer) ]] || fail "no Maintainer"
[[ $(field Description) == *"Jira Insight"* ]] || fail "Description is '$(field Description)'"
[[ $(field Architecture) == "$(dpkg --print-architecture)" ]] || fail "Architecture is '$(field Architecture)'"
depends=$(field Depends)
echo "Depends: $depends"
# One package name a line: drop version constraints, split alternatives and the list.
names=$(sed -E 's/ *\([^)]*\)//g; s/ *[,|] */\n/g' <<<"$depends")
# adduser and ca-certificates by hand; the rest are the libraries the daemon links
# (dpkg-shlibdeps names spdlog by its virtual package libspdlog1.10-fmt9).
for package in adduser ca-certificates libc6 libstdc++6 libssl3 libxml2 libsystemd0 \
               libyaml-cpp0.7 libspdlog1.10-fmt9 libdate-tz3 libboost-url1.81.0; do
  if ! grep -qxF "$package" <<<"$names"; then fail "Depends lacks $package"; fi
done

control=$(mktemp -d)
trap 'rm -rf "$control"' EXIT
dpkg-deb -e "$deb" "$control"
grep -qx /etc/qualys-insight/config.yaml "$control/conffiles" || fail "config.yaml is not a conffile"
for script in postinst prerm postrm; do
  [[ -x $control/$script ]] || fail "$script is missing or not executable"
  sh -n "$control/$script" || fail "$script has a syntax error"
done
# The operator edits the config before the first start: postinst only reloads systemd and
# try-restarts (restarts a daemon that is already running, on upgrade); it never starts or enables.
verbs=$(grep -oE '^\s*systemctl\s+[a-z-]+' "$control/postinst" | awk '{print $2}' | sort -u)
for verb in $verbs; do
  case $verb in
    daemon-reload | try-restart) ;;
    *) fail "postinst runs 'systemctl $verb'" ;;
  esac
done
if grep -Eq '(deb-systemd-invoke|invoke-rc\.d|service\s+qualys)' "$control/postinst"; then
  fail "postinst starts the service another way"
fi

listing=$(dpkg-deb -c "$deb")
has() {
  # $1: expected mode prefix ("-rwx" or "-rw-"), $2: path in the archive
  grep -Eq "^$1\S* root/root .* \./${2#/}$" <<<"$listing" || fail "$2 missing or wrong mode/owner"
}
has -rwxr-xr-x /usr/sbin/qualys-insightd
has -rw-r--r-- /usr/lib/systemd/system/qualys-insight.service
has -rw-r--r-- /usr/lib/systemd/system/qualys-insight@.service
has -rw-r--r-- /usr/lib/sysusers.d/qualys-insight.conf
has -rw-r--r-- /usr/lib/tmpfiles.d/qualys-insight.conf
has -rw-r--r-- /etc/qualys-insight/config.yaml
has -rw-r--r-- /usr/share/doc/qualys-insight/README.md
has -rw-r--r-- /usr/share/doc/qualys-insight/examples/config.yaml
for doc in "$source_dir"/docs/*.md; do
  has -rw-r--r-- "/usr/share/doc/qualys-insight/$(basename "$doc")"
done
# Nothing else sneaks in (a stray install() rule of a library or test target would show here).
files=(./usr/sbin/qualys-insightd ./usr/lib/systemd/system/qualys-insight.service
       ./usr/lib/systemd/system/qualys-insight@.service
       ./usr/lib/sysusers.d/qualys-insight.conf ./usr/lib/tmpfiles.d/qualys-insight.conf
       ./etc/qualys-insight/config.yaml)
docs=./usr/share/doc/qualys-insight/
while read -r path; do
  if [[ $path == "$docs"* ]]; then continue; fi
  if [[ $path == */ ]]; then
    ancestor=no
    for file in "${files[@]}" "$docs"; do if [[ $file == "$path"* ]]; then ancestor=yes; fi; done
    [[ $ancestor == yes ]] || fail "unexpected directory in the package: $path"
  else
    known=no
    for file in "${files[@]}"; do if [[ $file == "$path" ]]; then known=yes; fi; done
    [[ $known == yes ]] || fail "unexpected file in the package: $path"
  fi
done < <(awk '{print $6}' <<<"$listing")

# The packaged units start the packaged binary.
for unit in qualys-insight.service qualys-insight@.service; do
  dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/lib/systemd/system/$unit" |
    grep -q '^ExecStart=/usr/sbin/qualys-insightd ' || fail "$unit does not start /usr/sbin/qualys-insightd"
done
echo "OK: $(basename "$deb")"
