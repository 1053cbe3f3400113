# shellcheck shell=bash
# Shared helpers of the packaging tests (sourced). Exit 77 is ctest's SKIP_RETURN_CODE here.
set -euo pipefail
export LC_ALL=C SYSTEMD_COLORS=0 SYSTEMD_PAGER='' DEBIAN_FRONTEND=noninteractive

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

skip() {
  echo "SKIP: $*"
  exit 77
}

need() {
  command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed"
}

# The single .deb that build_deb.sh left in DIR.
deb_in() {
  local debs=("$1"/qualys-insight_*.deb)
  [[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || fail "expected one qualys-insight_*.deb in $1"
  echo "${debs[0]}"
}

# A minimal valid configuration whose every path is under DIR (output/, state/, auth.conf).
write_test_config() {
  local dir=$1
  mkdir -p "$dir/output" "$dir/state"
  # Legacy auth.conf format "LOGIN PASSWORD REGION_URL"; 0600 so `check` has nothing to warn about.
  (umask 077 && printf 'packaging_test s3cret-Pa55 qg2.apps.qualys.com\n' >"$dir/auth.conf")
  cat >"$dir/config.yaml" <<YAML
qualys:
  platform: US1
  credentials_file: $dir/auth.conf
output:
  dir: $dir/output
state:
  dir: $dir/state
jobs:
  assets: { schedule: "0 1 * * *", timeout: 50m }
  kb:     { schedule: "0 2 * * *", timeout: 50m }
  vm:     { schedule: "0 3 * * *", timeout: 50m }
YAML
}

# The example config with its credentials, output and state paths moved under DIR.
rewrite_example_config() {
  local example=$1 dir=$2
  sed -e "s#/opt/qualys/auth.conf#$dir/auth.conf#g" \
      -e "s#/opt/qualys/output#$dir/output#g" \
      -e "s#/var/lib/qualys-insight#$dir/state#g" "$example" >"$dir/example.yaml"
}

# run_check BINARY CONFIG [as-user]: `check` must exit 0 and say OK.
run_check() {
  local binary=$1 config=$2 user=${3:-}
  local out rc=0
  if [[ -n $user ]]; then
    out=$(runuser -u "$user" -- "$binary" --config "$config" check 2>&1) || rc=$?
  else
    out=$("$binary" --config "$config" check 2>&1) || rc=$?
  fi
  echo "$out"
  [[ $rc -eq 0 ]] || fail "qualys-insightd check --config $config exited $rc"
  grep -q ': OK' <<<"$out" || fail "qualys-insightd check --config $config did not say OK"
  if grep -q 's3cret-Pa55' <<<"$out"; then fail "check printed the password"; fi
}
