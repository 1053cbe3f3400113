#!/usr/bin/env bash
# Installs the .deb on this machine with dpkg, as an operator would, and checks what the
# maintainer scripts did; upgrades it over an edited conffile; removes and purges it.
# Root only (CI runs as root on a throwaway machine). Leaves the machine as it found it: the
# EXIT trap purges the package and deletes the account and directories the test caused.
# usage: deb_install.sh DEB_DIR
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || skip "needs root to install a package"
need dpkg
need dpkg-deb
need runuser
current=$(deb_in "$1/current")
upgrade=$(deb_in "$1/upgrade")

user=qualys-insight
config=/etc/qualys-insight/config.yaml
state_dir=/var/lib/qualys-insight
output_dir=/opt/qualys/output
unit=/usr/lib/systemd/system/qualys-insight.service
template_unit=/usr/lib/systemd/system/qualys-insight@.service
wants=/etc/systemd/system/multi-user.target.wants/qualys-insight.service
instance_wants=/etc/systemd/system/multi-user.target.wants/qualys-insight@us.service

# Never clobber a real installation or data the test did not create.
if dpkg-query -W -f='${Status}' qualys-insight >/dev/null 2>&1 &&
   [[ $(dpkg-query -W -f='${Status}' qualys-insight) != *not-installed* ]]; then
  skip "qualys-insight is already known to dpkg on this machine"
fi
[[ ! -e $state_dir ]] || skip "$state_dir exists already"
[[ ! -e /etc/qualys-insight ]] || skip "/etc/qualys-insight exists already"
[[ ! -L $instance_wants ]] || skip "$instance_wants exists already"
had_user=no; getent passwd "$user" >/dev/null && had_user=yes
had_group=no; getent group "$user" >/dev/null && had_group=yes
had_opt_qualys=no; [[ -e /opt/qualys ]] && had_opt_qualys=yes
had_output=no; [[ -e $output_dir ]] && had_output=yes

work=$(mktemp -d)
cleanup() {
  local rc=$?
  set +e
  dpkg -P qualys-insight >/dev/null 2>&1 </dev/null
  rm -f "$instance_wants"  # the test's own link (checked absent at the start)
  if [[ $had_user == no ]] && getent passwd "$user" >/dev/null; then userdel "$user"; fi
  if [[ $had_group == no ]] && getent group "$user" >/dev/null; then groupdel "$user"; fi
  if [[ $had_output == no ]]; then rmdir "$output_dir" 2>/dev/null; fi
  if [[ $had_opt_qualys == no ]]; then rmdir /opt/qualys 2>/dev/null; fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

# mode owner group of a path, e.g. "750 qualys-insight qualys-insight"
perms() { stat -c '%a %U %G' "$1"; }
expect_perms() {
  [[ -e $2 ]] || fail "$2 does not exist"
  [[ $(perms "$2") == "$1" ]] || fail "$2 is '$(perms "$2")', expected '$1'"
}
installed_version() { dpkg-query -W -f='${Status} ${Version}' qualys-insight; }
dpkg_quiet() {
  local log=$work/dpkg.log
  # No terminal and no --force-conf* option: dpkg must not need to ask anything.
  if ! dpkg "$@" >"$log" 2>&1 </dev/null; then
    cat "$log" >&2
    fail "dpkg $* failed"
  fi
  cat "$log"
}

if [[ $had_output == no ]]; then
  # As the legacy cron scripts left it: root's, closed. The first install takes it over.
  mkdir -p "$output_dir"
  chmod 0700 "$output_dir"
fi

echo "== install $(basename "$current")"
dpkg_quiet -i "$current"
[[ $(installed_version) == "install ok installed $(dpkg-deb -f "$current" Version)" ]] ||
  fail "dpkg says '$(installed_version)'"
entry=$(getent passwd "$user") || fail "no user $user"
IFS=: read -r _ _ uid _ _ home shell <<<"$entry"
[[ $home == "$state_dir" ]] || fail "$user's home is $home"
[[ $shell == */nologin ]] || fail "$user's shell is $shell"
((uid < 1000)) || fail "$user is not a system account (uid $uid)"
getent group "$user" >/dev/null || fail "no group $user"
expect_perms "750 $user $user" "$state_dir"
if [[ $had_output == no ]]; then
  expect_perms "755 $user $user" "$output_dir"
fi
expect_perms "750 root $user" /etc/qualys-insight
[[ -f $config ]] || fail "$config is missing"
runuser -u "$user" -- cat "$config" >/dev/null || fail "$user cannot read $config"
[[ $(/usr/sbin/qualys-insightd --version) == "qualys-insightd "* ]] || fail "--version"
[[ -f $unit ]] || fail "$unit is missing"
[[ -f $template_unit ]] || fail "$template_unit is missing"
# Installed, not started, not enabled: the operator edits the config first.
[[ ! -e $wants ]] || fail "the service was enabled on install"
if [[ -d /run/systemd/system ]]; then
  ! systemctl is-active --quiet qualys-insight.service || fail "the service was started on install"
fi
if command -v systemd-analyze >/dev/null; then
  out=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify $unit: $out"
  ! grep -q qualys-insight <<<"$out" || fail "systemd-analyze verify $unit: $out"
  instance=${template_unit/@./@us.}
  out=$(systemd-analyze verify "$instance" 2>&1) || fail "systemd-analyze verify $instance: $out"
  ! grep -q qualys-insight <<<"$out" || fail "systemd-analyze verify $instance: $out"
fi

# The service account can run `check` on a config of its own.
write_test_config "$work/run"
chown -R "$user:$user" "$work/run"
chmod 0755 "$work"
run_check /usr/sbin/qualys-insightd "$work/run/config.yaml" "$user"

echo "== edit $config and the output directory, then upgrade to $(basename "$upgrade")"
marker="# edited by the packaging test $$"
printf '\n%s\n' "$marker" >>"$config"
if [[ $had_output == no ]]; then chmod 0770 "$output_dir"; fi
dpkg_quiet -i "$upgrade"
[[ $(installed_version) == "install ok installed $(dpkg-deb -f "$upgrade" Version)" ]] ||
  fail "dpkg says '$(installed_version)' after the upgrade"
grep -qxF "$marker" "$config" || fail "the upgrade overwrote the edited $config"
for leftover in "$config".dpkg-dist "$config".dpkg-new "$config".dpkg-old; do
  [[ ! -e $leftover ]] || fail "$leftover appeared"
done
# An upgrade keeps what the operator changed since the first install.
if [[ $had_output == no ]]; then
  expect_perms "770 $user $user" "$output_dir"
fi
expect_perms "750 $user $user" "$state_dir"
expect_perms "750 root $user" /etc/qualys-insight
[[ ! -e $wants ]] || fail "the upgrade enabled the service"

echo "== remove"
touch "$state_dir/state.json"
dpkg_quiet -r qualys-insight
[[ ! -e /usr/sbin/qualys-insightd ]] || fail "remove left the binary"
[[ ! -e $unit ]] || fail "remove left the unit"
[[ ! -e $template_unit ]] || fail "remove left the template unit"
grep -qxF "$marker" "$config" || fail "remove deleted the edited conffile"
[[ -e $state_dir/state.json ]] || fail "remove deleted the state"
[[ $(installed_version) == *config-files* ]] || fail "dpkg says '$(installed_version)' after remove"

echo "== purge"
# As `systemctl enable qualys-insight@us` leaves it (the unit file is gone by now).
mkdir -p "$(dirname "$instance_wants")"
ln -s "$template_unit" "$instance_wants"
dpkg_quiet -P qualys-insight
[[ ! -L $instance_wants ]] || fail "purge left $instance_wants"
[[ ! -e $config ]] || fail "purge left $config"
[[ ! -e /etc/qualys-insight ]] || fail "purge left /etc/qualys-insight"
[[ ! -e $state_dir ]] || fail "purge left $state_dir"
# The CSV files Insight imports are the operator's data: purge keeps them and the account.
[[ -d $output_dir ]] || fail "purge removed $output_dir"
getent passwd "$user" >/dev/null || fail "purge removed the account"
if dpkg-query -W -f='${Status}' qualys-insight 2>/dev/null | grep -qv not-installed; then
  fail "dpkg still knows the package after purge: $(installed_version)"
fi
echo "OK"
