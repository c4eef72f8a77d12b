#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# Installs what is missing, builds, and runs every test with ctest. Then,
# when no ctest arguments are given (CI, .ci/run), the sanitizer suite and
# the fuzzers: scripts/sanitize.sh (its CI subset; see there) and each fuzz
# target for FUZZ_SECONDS (default 30, scripts/fuzz.sh).
# SINKHOST_EXTRA_CHECKS=0 skips those.
#
# Within CI's 20 minutes on 2 cores: the fuzz targets and the sanitizer
# build are compiled while the normal suite runs, at the lowest priority
# (they get only the CPU the tests leave idle, so the tests' timing is not
# disturbed), and the fuzzers run beside the sanitized tests.
# Usage: scripts/test.sh [ctest arguments, e.g. -R stream]
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
elapsed() { echo "$(($(date +%s) - start)) s"; }
extra=0
if (($# == 0)) && [[ ${SINKHOST_EXTRA_CHECKS:-1} != 0 ]]; then extra=1; fi
scripts/deps.sh test dashboard fuzz
scripts/build.sh -DSINKHOST_BUILD_TESTS=ON
echo "test.sh: built at $(elapsed)" >&2

if ((extra)); then
  build_log=$(mktemp)
  (nice -n 19 scripts/fuzz.sh --build-only && nice -n 19 scripts/sanitize.sh --build-only) \
    >"$build_log" 2>&1 &
  builds_pid=$!
fi
status=0
(cd "${BUILD_DIR:-build}" && ctest --output-on-failure --no-tests=error -j"$(nproc)" "$@") ||
  status=$?
echo "test.sh: test suite done at $(elapsed)" >&2

if ((extra)); then
  if ! wait "$builds_pid"; then
    tail -n 50 "$build_log" >&2
    echo "test.sh: building the fuzz targets or the sanitizer build failed" >&2
    exit 1
  fi
  rm -f "$build_log"
  echo "test.sh: fuzz targets and sanitizer build done at $(elapsed)" >&2
  fuzz_log=$(mktemp)
  scripts/fuzz.sh --no-build "${FUZZ_SECONDS:-30}" 2>"$fuzz_log" &
  fuzz_pid=$!
  scripts/sanitize.sh --no-build || status=$?
  echo "test.sh: sanitizer suite done at $(elapsed)" >&2
  wait "$fuzz_pid" || status=$?
  cat "$fuzz_log" >&2
  rm -f "$fuzz_log"
fi
echo "test.sh: finished in $(elapsed)" >&2
exit $status
