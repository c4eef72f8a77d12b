#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test with ctest.
# Usage: scripts/test.sh [ctest arguments, e.g. -R stream]
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
scripts/deps.sh
scripts/build.sh -DSINKHOST_BUILD_TESTS=ON
cd "${BUILD_DIR:-build}"
status=0
ctest --output-on-failure --no-tests=error -j"$(nproc)" "$@" || status=$?
echo "test.sh: finished in $(( $(date +%s) - start )) s" >&2
exit $status
