# Helpers shared by the bench/*.sh benchmarks (sourced; expects $root, $data and log()).

# GNU time gives wall time, peak RSS (%M, KiB) and CPU time of a command and its waited-for
# children. Installed like scripts/install-deps.sh installs the rest.
if [[ ! -x /usr/bin/time ]]; then
  log "installing GNU time (Debian package 'time')"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends time
fi

require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { log "$tool is missing: run scripts/install-deps.sh"; exit 1; }
  done
}

build_release() {
  log "building the release binary"
  (cd "$root" && { [[ -f build/release/build.ninja ]] || cmake --preset release >&2; } &&
    cmake --build --preset release --target qualys-insightd >&2)
}

# measure NAME CMD...: runs CMD once under GNU time, appends "wall_s rss_kib cpu_s" to
# $data/NAME.m (cpu = user + system: less sensitive than wall time to other processes' load).
measure() {
  local name=$1; shift
  local out="$data/time.out"
  if ! /usr/bin/time -f '%e %M %U %S' -o "$out" "$@" >/dev/null 2>"$data/$name.stderr"; then
    log "$name failed:"; cat "$data/$name.stderr" >&2; exit 1
  fi
  tail -n 1 "$out" | awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }' >>"$data/$name.m"
}

# median COLUMN FILE: median of a column (1 wall, 2 rss, 3 cpu) of a measurement file.
median() {
  sort -g -k "$1,$1" "$2" | awk -v c="$1" '{v[NR]=$c} END {
    if (NR % 2) print v[(NR+1)/2]; else printf "%.2f\n", (v[NR/2]+v[NR/2+1])/2 }'
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k/1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a/b; else print "n/a" }'; }
spread() { sort -g -k "$1,$1" "$2" | awk -v c="$1" 'NR==1{lo=$c} {hi=$c} END {print lo "–" hi}'; }
met() { awk -v ok="$1" 'BEGIN { print (ok ? "met" : "**missed**") }'; }

row() {  # row LABEL NAME: one markdown table row from $data/NAME.m
  echo "| $1 | $(median 1 "$data/$2.m") [$(spread 1 "$data/$2.m")] | $(median 3 "$data/$2.m") |" \
    "$(mib "$(median 2 "$data/$2.m")") |"
}
