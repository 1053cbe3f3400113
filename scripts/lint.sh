#!/usr/bin/env bash
# Static checks, part of scripts/test.sh:
#  1. clang-format --dry-run --Werror over every tracked C++ source (.clang-format);
#  2. clang-tidy (.clang-tidy; clang-tidy-22 when installed) over every translation unit, with
#     the compile commands of the clang preset (configured here, not built), so the compiler
#     warnings it reports are clang's with our flags: the same run checks that the code is
#     warning-free under clang.
# Usage: scripts/lint.sh [--format-only | --tidy-only] [file.cpp ...]   (default: everything)
set -euo pipefail
cd "$(dirname "$0")/.."

run_format=1 run_tidy=1
case "${1:-}" in
  --format-only) run_tidy=0; shift ;;
  --tidy-only) run_format=0; shift ;;
esac
jobs=$(nproc)

if ((run_format)); then
  echo "==> lint: clang-format"
  git ls-files -z '*.cpp' '*.hpp' '*.h' | xargs -0 clang-format --dry-run --Werror
fi

if ((run_tidy)); then
  # clang-tidy 22 when installed (scripts/install-deps.sh): the same checks, about 2.5 times
  # faster. Its clang rejects RapidJSON 1.1.0's GenericStringRef::operator= (assignment to a const
  # member) while parsing the template, before any use; delayed template parsing leaves
  # uninstantiated templates to the point of use, as clang 14 and GCC 12 do for that body.
  tidy=(clang-tidy)
  if command -v clang-tidy-22 >/dev/null; then
    tidy=(clang-tidy-22 --extra-arg=-fdelayed-template-parsing
      --extra-arg=-Wno-delayed-template-parsing-in-cxx20)
  fi
  echo "==> lint: ${tidy[0]} (${jobs} jobs)"
  cmake --preset clang >/dev/null
  if (($#)); then
    files=("$@")
  else
    # Every translation unit of ours that the clang preset compiles.
    mapfile -t files < <(python3 -c '
import json, os
root = os.getcwd() + "/"
for entry in json.load(open("build/clang/compile_commands.json")):
    path = os.path.join(entry["directory"], entry["file"])
    if path.startswith(root) and not path.startswith(root + "build/"):
        print(path)' | sort -u)
  fi
  printf '%s\0' "${files[@]}" |
    xargs -0 -n 1 -P "${jobs}" "${tidy[@]}" -p build/clang --quiet 2> >(grep -v '^[0-9]* warnings generated\.$' >&2)
fi
echo "==> lint: clean"
