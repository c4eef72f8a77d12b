#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# Installs what is missing, builds, and runs every test with ctest. Then,
# when no ctest arguments are given (CI, .ci/run): the sanitizer suite
# (scripts/sanitize.sh, its CI subset; see there), each fuzz target for
# FUZZ_SECONDS (default 30, scripts/fuzz.sh), and the Debian packages
# (scripts/package.sh, then tests/package/package_test.sh installs, runs and
# purges them). SINKHOST_EXTRA_CHECKS=0 skips those.
#
# Within CI's 30 minutes on 2 cores, installs included: the fuzz targets,
# the sanitizer build and the packages are compiled while the normal suite
# runs, at the lowest priority (they get only the CPU the tests leave idle,
# so the tests' timing is not disturbed), and the fuzzers run beside the
# sanitized tests. Each phase prints the time it ended at.
# Usage: scripts/test.sh [ctest arguments, e.g. -R stream]
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
elapsed() { echo "$(($(date +%s) - start)) s"; }
extra=0
if (($# == 0)) && [[ ${SINKHOST_EXTRA_CHECKS:-1} != 0 ]]; then extra=1; fi
if ((extra)); then scripts/deps.sh test dashboard fuzz package; else scripts/deps.sh test dashboard; fi
echo "test.sh: installed at $(elapsed)" >&2
scripts/build.sh -DSINKHOST_BUILD_TESTS=ON
echo "test.sh: built at $(elapsed)" >&2

dist=$(realpath -m "${DIST_DIR:-dist}")
# Background jobs get process groups of their own (set -m), so that an
# interrupted run stops them with all their children.
background=()
stop_background() { for pid in "${background[@]}"; do kill -- "-$pid" 2>/dev/null || true; done; }
trap stop_background EXIT
if ((extra)); then
  build_log=$(mktemp)
  set -m
  (nice -n 19 scripts/fuzz.sh --build-only && nice -n 19 scripts/sanitize.sh --build-only &&
   echo "test.sh: fuzz targets and sanitizer build done at $(elapsed)" >&2 &&
   DIST_DIR=$dist nice -n 19 scripts/package.sh) >"$build_log" 2>&1 &
  builds_pid=$!
  set +m
  background+=("$builds_pid")
fi
status=0
# The package test installs the packages: with the extra checks it runs on
# its own, below, on the packages built beside the suite.
exclude=()
if ((extra)); then exclude=(-LE '^package$'); fi
(cd "${BUILD_DIR:-build}" && ctest --output-on-failure --no-tests=error -j"$(nproc)" "${exclude[@]}" "$@") ||
  status=$?
echo "test.sh: test suite done at $(elapsed)" >&2

if ((extra)); then
  if ! wait "$builds_pid"; then
    tail -n 60 "$build_log" >&2
    echo "test.sh: building the fuzz targets, the sanitizer build or the packages failed" >&2
    exit 1
  fi
  cat "$build_log" >&2
  rm -f "$build_log"
  echo "test.sh: packages built at $(elapsed)" >&2
  fuzz_log=$(mktemp)
  set -m
  scripts/fuzz.sh --no-build "${FUZZ_SECONDS:-30}" 2>"$fuzz_log" &
  fuzz_pid=$!
  set +m
  background=("$fuzz_pid")
  scripts/sanitize.sh --no-build || status=$?
  echo "test.sh: sanitizer suite done at $(elapsed)" >&2
  wait "$fuzz_pid" || status=$?
  cat "$fuzz_log" >&2
  rm -f "$fuzz_log"
  echo "test.sh: fuzzing done at $(elapsed)" >&2
  background=()
  # It installs packages: as root (sudo for a user, like scripts/deps.sh).
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  (cd "${BUILD_DIR:-build}" &&
   $sudo env SINKHOST_PACKAGE_TEST=1 SINKHOST_PACKAGE_DIST="$dist" \
     ctest --output-on-failure --no-tests=error -L '^package$') || status=$?
  echo "test.sh: package test done at $(elapsed)" >&2
fi
echo "test.sh: finished in $(elapsed)" >&2
exit $status
