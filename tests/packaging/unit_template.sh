#!/usr/bin/env bash
# The template unit (one subscription per instance) is the main unit with per-instance paths:
# every other line the same, so that a hardening added to one is not missing from the other, and
# the same `systemd-analyze security` exposure.
# usage: unit_template.sh MAIN_UNIT TEMPLATE_UNIT
source "$(dirname "$0")/lib.sh"
main=$1 template=$2

directives() { grep -Ev '^\s*(#|$)' "$1"; }
# The template's lines that differ, written back as the main unit's.
expected=$(directives "$template" | sed -E \
  -e 's#^(Description=.*) \(%i\)$#\1#' \
  -e 's#^(ExecStart=.* --config /etc/qualys-insight/)%i\.yaml$#\1config.yaml#' \
  -e 's#^StateDirectory=qualys-insight/%i$#StateDirectory=qualys-insight#' \
  -e 's#^ReadWritePaths=/opt/qualys/output/%i$#ReadWritePaths=/opt/qualys/output#')
if ! out=$(diff <(directives "$main") <(echo "$expected")); then
  echo "$out" >&2
  fail "$template differs from $main in more than the per-instance paths (< main, > template)"
fi
# Each per-instance line is there (the sed above would also pass a template that lacks them).
for line in 'ExecStart=/usr/sbin/qualys-insightd --config /etc/qualys-insight/%i.yaml' \
            'StateDirectory=qualys-insight/%i' 'ReadWritePaths=/opt/qualys/output/%i'; do
  grep -qxF "$line" "$template" || fail "$template lacks $line"
done

if command -v systemd-analyze >/dev/null; then
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  cp "$main" "$template" "$dir/"
  exposure() {
    systemd-analyze security --offline=true "$dir/$1" 2>&1 |
      sed -nE 's/.*Overall exposure level for .*: ([0-9]+\.[0-9]+).*/\1/p'
  }
  main_level=$(exposure "$(basename "$main")")
  template_level=$(exposure "$(basename "$template" | sed 's/@\./@us./')")
  echo "exposure: main $main_level, template (instance us) $template_level"
  [[ -n $main_level && $main_level == "$template_level" ]] ||
    fail "exposure of the template ($template_level) is not the main unit's ($main_level)"
fi
echo "OK"
