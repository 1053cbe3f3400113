#!/usr/bin/env bash
# Checks formatting and clang-tidy (scripts/lint.sh, which also proves the code warning-free under
# clang), then builds and runs every test, twice: a release build with warnings as errors, then a
# Debug build under AddressSanitizer and UndefinedBehaviorSanitizer. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
./scripts/lint.sh

jobs=$(nproc)
for preset in release debug-asan; do
  echo "==> ${preset}: configure and build"
  cmake --preset "${preset}" >/dev/null
  cmake --build --preset "${preset}" -j "${jobs}"
  echo "==> ${preset}: test"
  ctest --preset "${preset}" -j "${jobs}" --timeout 900
done
