#!/bin/sh
# Runs the libFuzzer binaries of a QI_FUZZ build one after another (docs/fuzzing.md).
#   fuzz/run_fuzzers.sh BUILD_DIR [SECONDS_PER_TARGET] [TARGET...]
# Each target starts from a scratch copy of fuzz/corpus/<target>; the body parsers also start from
# tests/fixtures/qualys (their seed documents live there, not in fuzz/corpus) and, when it exists,
# ../shared/samples/qualys (not ours: added at run time, never committed). New inputs and crash
# artifacts stay in $QI_FUZZ_WORK (default /tmp/qi-fuzz-work); a crash reproducer worth keeping is minimised and copied into
# fuzz/corpus/<target>/ by hand. At most 1,000,000 executions per target.
set -eu

build=${1:?usage: run_fuzzers.sh BUILD_DIR [SECONDS_PER_TARGET] [TARGET...]}
seconds=${2:-300}
[ $# -ge 2 ] && shift 2 || shift $#
here=$(cd "$(dirname "$0")" && pwd)
fixtures="$here/../tests/fixtures/qualys"
samples="$here/../../shared/samples/qualys"
work=${QI_FUZZ_WORK:-/tmp/qi-fuzz-work}
targets=${*:-cron config credentials kb_parser detection_parser host_id_set_parser csam_page_parser simple_return csv_field}

for t in $targets; do
  dir="$work/$t"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  [ -d "$here/corpus/$t" ] && cp -n "$here/corpus/$t/"* "$dir/corpus/"
  case $t in
    kb_parser|detection_parser|host_id_set_parser|csam_page_parser|simple_return)
      cp -n "$fixtures"/*.xml "$fixtures"/*.json "$dir/corpus/"
      [ -d "$samples" ] && cp -n "$samples"/*.xml "$samples"/*.json "$dir/corpus/" ;;
  esac
  echo "== $t: $seconds s, log $dir/fuzz.log"
  # -timeout: one input taking 10 s is a finding (a hang on hostile input).
  nice -n 10 "$build/fuzz/fuzz_$t" -runs=1000000 -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
    "$dir/corpus" > "$dir/fuzz.log" 2>&1 || echo "   $t stopped with a finding: see $dir/fuzz.log"
  grep -E '^#[0-9]+.*(DONE|INITED)|stat::number_of_executed_units|stat::average_exec_per_sec' \
    "$dir/fuzz.log" || true
done
